using System.Security.Cryptography;
using System.Text;

namespace Quota.Stores.Redis;

/// <summary>A Lua script shipped as an embedded resource, with the SHA-1 that <c>EVALSHA</c> names it by.</summary>
internal sealed class RedisScript
{
    private const string IncludeDirective = "--#include ";

    private RedisScript(string name, string text)
    {
        Name = name;
        Text = text;

        // SHA-1 is what Redis names cached scripts by; it identifies the script here, it protects nothing.
#pragma warning disable CA5350
        Hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    /// <summary>Gets the conditional multi-meter add.</summary>
    public static RedisScript TryAdd { get; } = Load("try_add");

    /// <summary>Gets the conditional adds of a batch, applied in order, each all-or-nothing.</summary>
    public static RedisScript TryAddBatch { get; } = Load("try_add_batch");

    /// <summary>Gets the unconditional, idempotent add.</summary>
    public static RedisScript Add { get; } = Load("add");

    /// <summary>Gets the subtract that stops at zero.</summary>
    public static RedisScript Subtract { get; } = Load("subtract");

    /// <summary>Gets the atomic set-once of a first-use anchor.</summary>
    public static RedisScript Anchor { get; } = Load("anchor");

    /// <summary>Gets the grant that raises a counter's limits, up to a maximum total.</summary>
    public static RedisScript Grant { get; } = Load("grant");

    /// <summary>Gets the once-only mark of a threshold alert.</summary>
    public static RedisScript MarkAlert { get; } = Load("mark_alert");

    /// <summary>Gets the reset that empties a counter's meters and keeps its grants and alert marks.</summary>
    public static RedisScript Reset { get; } = Load("reset");

    /// <summary>Gets the script's name (its file name without <c>.lua</c>), for logs.</summary>
    public string Name { get; }

    /// <summary>Gets the full script text, sent with <c>EVAL</c> when a server does not have it cached.</summary>
    public string Text { get; }

    /// <summary>Gets the script's 20-byte SHA-1, sent with <c>EVALSHA</c>.</summary>
    public byte[] Hash { get; }

    /// <summary>Reads a script and splices in the fragments its <c>--#include name</c> lines name (one level deep).</summary>
    private static RedisScript Load(string name)
    {
        var lines = ReadResource(name).Split('\n');
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line.StartsWith(IncludeDirective, StringComparison.Ordinal) ? ReadResource(line[IncludeDirective.Length..].Trim()) : line + "\n");
        }

        return new RedisScript(name, text.ToString());
    }

    private static string ReadResource(string name)
    {
        var resource = $"Quota.Stores.Redis.Scripts.{name}.lua";
        using var stream = typeof(RedisScript).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded script '{resource}' is missing from {typeof(RedisScript).Assembly.GetName().Name}; rebuild the package.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
