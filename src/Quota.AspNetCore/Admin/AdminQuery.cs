using System.Globalization;
using Microsoft.AspNetCore.Http;
using NodaTime;

namespace Quota.AspNetCore.Admin;

/// <summary>
/// Reads an admin request's query string, collecting every problem (with what to send instead) rather than stopping at
/// the first. Unknown parameters are refused, so a misspelt <c>?pagesize=</c> does not go unnoticed.
/// </summary>
internal sealed class AdminQuery
{
    private readonly IQueryCollection _query;

    public AdminQuery(HttpRequest request, params string[] known)
    {
        _query = request.Query;
        foreach (var name in _query.Keys)
        {
            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                Fail(name, known.Length == 0
                    ? $"'{name}' is not a parameter of this endpoint, which takes none. Leave it out."
                    : $"'{name}' is not a parameter of this endpoint. Send only: {string.Join(", ", known)}.");
            }
        }
    }

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid => Errors.Count == 0;

    /// <summary>A parameter that must be there once and not be empty, e.g. <c>?policy=hello-monthly</c>.</summary>
    public string Required(string name, string example)
    {
        var value = Single(name);
        if (value is null)
        {
            Fail(name, $"Send the parameter '{name}', e.g. ?{name}={Uri.EscapeDataString(example)} (URL-encoded).");
        }
        else if (value.Length == 0)
        {
            Fail(name, $"'{name}' is empty. Send a value, e.g. ?{name}={Uri.EscapeDataString(example)}.");
        }

        return value ?? string.Empty;
    }

    public string? Optional(string name) => Single(name) is { Length: > 0 } value ? value : null;

    public Instant? Instant(string name)
    {
        if (Optional(name) is not { } text)
        {
            return null;
        }

        if (AdminText.TryParseInstant(text, out var instant))
        {
            return instant;
        }

        Fail(name, $"'{name}' is '{text}', which is not an instant. Send an ISO-8601 instant, e.g. {AdminText.InstantExample}, or leave it out for now.");
        return null;
    }

    public int Int(string name, int defaultValue, int min, int max)
    {
        if (Optional(name) is not { } text)
        {
            return defaultValue;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Fail(name, $"'{name}' is '{text}'. Send a whole number from {min} to {max}, e.g. {defaultValue}.");
        return defaultValue;
    }

    public bool Bool(string name)
    {
        if (Optional(name) is not { } text)
        {
            return false;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Fail(name, $"'{name}' is '{text}'. Send true or false.");
        return false;
    }

    public void Fail(string name, string message)
    {
        Errors[name] = Errors.TryGetValue(name, out var earlier) ? [.. earlier, message] : [message];
    }

    private string? Single(string name)
    {
        var values = _query[name];
        if (values.Count > 1)
        {
            Fail(name, $"'{name}' is given {values.Count} times. Send it once.");
        }

        return values.Count == 0 ? null : values[0];
    }
}
