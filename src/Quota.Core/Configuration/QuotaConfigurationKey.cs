using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;

namespace Quota;

/// <summary>
/// One key of a configuration section that Quota reads key by key — the Quota section itself, or a component's own
/// section such as a store's <c>Quota:Sqlite</c> — with the ways to read its value and the one way to refuse it, so
/// that start-up fails naming its full path, the value found and what to write instead.
/// </summary>
public class QuotaConfigurationKey
{
    private readonly List<string> _problems;

    internal QuotaConfigurationKey(IConfigurationSection section, List<string> problems)
    {
        Section = section;
        _problems = problems;
    }

    /// <summary>Gets the key's section: its <see cref="IConfigurationSection.Value"/>, or its children (a list or a map).</summary>
    public IConfigurationSection Section { get; }

    /// <summary>Gets the key's full configuration path, e.g. <c>Quota:Policies:api:QuotaBy</c>.</summary>
    public string Path => Section.Path;

    /// <summary>
    /// Refuses the value: start-up fails with <c>{path} is {value}, {problem}</c>, listed with every other problem.
    /// </summary>
    /// <param name="problem">What is wrong and what to write instead, e.g. <c>which is not a status code. Write '200-299, 304'.</c></param>
    public void Refuse(string problem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(problem);
        var message = $"{Path} is {Describe(Section)}, {problem}";
        if (!_problems.Contains(message))
        {
            _problems.Add(message);
        }
    }

    /// <summary>Reads the value as text, refusing a missing value or a section.</summary>
    /// <param name="text">The value, trimmed.</param>
    /// <param name="example">An example of what to write, e.g. <c>'api-monthly'</c>.</param>
    /// <returns><see langword="true"/> when the key holds text.</returns>
    public bool TryReadText([NotNullWhen(true)] out string? text, string example)
    {
        text = Section.Value?.Trim();
        if (HasChildren(Section) || string.IsNullOrEmpty(text))
        {
            Refuse($"which is not a value. Write one, e.g. {example}.");
            text = null;
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads the value as one of a few names, comparing them ignoring case, hyphens, underscores and spaces, and refuses
    /// any other value listing the accepted ones. Several names may stand for one value (the first is ours, the others
    /// are accepted spellings such as Zuplo's <c>first-api-call</c>).
    /// </summary>
    /// <typeparam name="T">The type of the values.</typeparam>
    /// <param name="what">What the value is, with its article, e.g. <c>an anchor mode</c>.</param>
    /// <param name="value">The value the text names.</param>
    /// <param name="choices">Each accepted name and the value it stands for.</param>
    /// <returns><see langword="true"/> when the text names a choice.</returns>
    public bool TryReadChoice<T>(string what, out T value, params ReadOnlySpan<(string Name, T Value)> choices)
    {
        var text = HasChildren(Section) ? null : Section.Value;
        if (text is not null)
        {
            var wanted = ConfigurationText.Normalize(text);
            foreach (var (name, choice) in choices)
            {
                if (ConfigurationText.Normalize(name) == wanted)
                {
                    value = choice;
                    return true;
                }
            }
        }

        Refuse($"which is not {what}. Write {ConfigurationText.Choices(choices)}.");
        value = default!;
        return false;
    }

    /// <summary>Reads the value as a time span written <c>[d.]hh:mm:ss[.fffffff]</c>, refusing anything else (a bare number, which .NET would take as days, included).</summary>
    /// <param name="value">The time span.</param>
    /// <param name="example">An example of what to write, e.g. <c>'00:00:01'</c>.</param>
    /// <returns><see langword="true"/> when the key holds a time span.</returns>
    public bool TryReadTimeSpan(out TimeSpan value, string example)
    {
        var text = HasChildren(Section) ? null : Section.Value;
        if (text is not null && text.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        Refuse($"which is not a time span. Write hours:minutes:seconds, e.g. {example}.");
        value = default;
        return false;
    }

    /// <summary>Reads the value as a whole number in digits (an optional sign, no separators or exponent).</summary>
    /// <param name="value">The number.</param>
    /// <param name="example">An example of what to write, e.g. <c>100000</c>.</param>
    /// <returns><see langword="true"/> when the key holds a whole number.</returns>
    public bool TryReadInteger(out long value, string example)
    {
        if (!HasChildren(Section) && ConfigurationText.TryParseInteger(Section.Value, out value))
        {
            return true;
        }

        Refuse($"which is not a whole number. Write digits only, e.g. {example}.");
        value = 0;
        return false;
    }

    /// <summary>
    /// Reads the value as a whole number from <paramref name="minimum"/> to <paramref name="maximum"/>, refusing one out
    /// of that range by the value written (never clamping it silently).
    /// </summary>
    /// <param name="value">The number.</param>
    /// <param name="minimum">The smallest accepted number.</param>
    /// <param name="maximum">The largest accepted number.</param>
    /// <param name="example">An example of what to write, e.g. <c>4</c>.</param>
    /// <returns><see langword="true"/> when the key holds a whole number in range.</returns>
    public bool TryReadInteger(out int value, int minimum, int maximum, string example)
    {
        if (!TryReadInteger(out long number, example))
        {
            value = 0;
            return false;
        }

        if (number < minimum || number > maximum)
        {
            Refuse(maximum == int.MaxValue
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"which is out of range. Write a whole number of {minimum} or more, e.g. {example}.")
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"which is out of range. Write a whole number from {minimum} to {maximum}, e.g. {example}."));
            value = 0;
            return false;
        }

        value = (int)number;
        return true;
    }

    internal static bool HasChildren(IConfigurationSection section) => section.GetChildren().Any();

    internal static string Describe(IConfigurationSection section)
    {
        var children = section.GetChildren().Select(c => c.Key).ToList();
        if (children.Count > 0)
        {
            return $"a section ({string.Join(", ", children)})";
        }

        return section.Value is { Length: > 0 } value ? $"'{value}'" : "empty";
    }
}
