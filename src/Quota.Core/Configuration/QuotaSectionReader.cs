using Microsoft.Extensions.Configuration;

namespace Quota;

/// <summary>
/// Reads a component's options — a store's, from a section such as <c>Quota:Sqlite</c> — key by key, the way Quota.Core
/// reads its own section: every key is applied or refused by its full path and value, a misspelt key is refused naming
/// the closest known one, and the problems are listed with every other configuration problem when the application
/// starts. No reflection is involved (unlike the configuration binder, which ignores unknown keys and is not trim-safe).
/// </summary>
/// <typeparam name="TOptions">The component's options.</typeparam>
/// <remarks>
/// Pass the reader to <see cref="QuotaBuilder.ReadSection{TOptions}(IConfiguration, QuotaSectionReader{TOptions})"/>.
/// A reader is immutable once built, so one static instance can serve every application.
/// </remarks>
/// <example>
/// <code>
/// static readonly QuotaSectionReader&lt;MyStoreOptions&gt; Reader = new QuotaSectionReader&lt;MyStoreOptions&gt;("the MyStore quota store")
///     .Add("Endpoint", (key, o) => { if (key.TryReadText(out var text, "'https://store.internal'")) o.Endpoint = text; })
///     .Add("Timeout", (key, o) => { if (key.TryReadTimeSpan(out var timeout, "'00:00:02'")) o.Timeout = timeout; });
/// </code>
/// </example>
public sealed class QuotaSectionReader<TOptions>
    where TOptions : class
{
    private readonly KeyValuePair<string, Action<QuotaConfigurationKey, TOptions>>[] _keys;

    /// <summary>Initializes a reader that knows no key yet.</summary>
    /// <param name="component">What reads the section, for messages: <c>the SQLite quota store</c> gives "which is not a setting of the SQLite quota store".</param>
    public QuotaSectionReader(string component)
        : this(component, [])
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(component);
    }

    private QuotaSectionReader(string component, KeyValuePair<string, Action<QuotaConfigurationKey, TOptions>>[] keys)
    {
        Component = component;
        _keys = keys;
    }

    /// <summary>Gets what reads the section, e.g. <c>the SQLite quota store</c>.</summary>
    public string Component { get; }

    /// <summary>Gets the keys the reader knows, in the order they were added (they compare ignoring case).</summary>
    public IReadOnlyList<string> Keys => _keys.Select(k => k.Key).ToArray();

    /// <summary>Returns a reader that also reads <paramref name="key"/>.</summary>
    /// <param name="key">The key, e.g. <c>BusyTimeout</c>.</param>
    /// <param name="read">
    /// Reads the key's value into the options through the <c>TryRead…</c> methods of <see cref="QuotaConfigurationKey"/>,
    /// which refuse a value they cannot read; refuse a value out of range with <see cref="QuotaConfigurationKey.Refuse"/>
    /// and leave the option as it was.
    /// </param>
    /// <returns>A new reader; this one is unchanged.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or already known.</exception>
    public QuotaSectionReader<TOptions> Add(string key, Action<QuotaConfigurationKey, TOptions> read)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(read);
        if (_keys.Any(k => string.Equals(k.Key, key, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"The reader already reads '{key}'. Add each key once.", nameof(key));
        }

        return new QuotaSectionReader<TOptions>(Component, [.. _keys, new(key, read)]);
    }

    /// <summary>Reads every key of <paramref name="section"/> into <paramref name="options"/>.</summary>
    /// <param name="section">The section, e.g. <c>Quota:Sqlite</c>; nothing happens when it does not exist.</param>
    /// <param name="options">The options to fill.</param>
    /// <returns>Every problem, each naming the key's path and value; empty when every key was applied.</returns>
    public IReadOnlyList<string> Read(IConfiguration section, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (section is IConfigurationSection { Value: { Length: > 0 } } whole && !QuotaConfigurationKey.HasChildren(whole))
        {
            var example = _keys.Length == 0 ? string.Empty : $", e.g. {{ \"{_keys[0].Key}\": … }}";
            new QuotaConfigurationKey(whole, problems).Refuse($"which is not a section. Write the settings of {Component} by name{example}.");
            return problems;
        }

        foreach (var child in section.GetChildren())
        {
            var key = new QuotaConfigurationKey(child, problems);
            var known = Array.Find(_keys, k => string.Equals(k.Key, child.Key, StringComparison.OrdinalIgnoreCase));
            if (known.Value is not null)
            {
                known.Value(key, options);
            }
            else
            {
                key.Refuse(ConfigurationText.Unknown($"a setting of {Component}", child.Key, _keys.Select(k => k.Key)));
            }
        }

        return problems;
    }
}
