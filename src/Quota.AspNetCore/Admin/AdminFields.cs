namespace Quota.AspNetCore.Admin;

/// <summary>Checks the members of a request body, collecting every problem with what to send instead.</summary>
internal sealed class AdminFields(string example)
{
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid => Errors.Count == 0;

    /// <summary>A member that must be a non-empty string; <paramref name="text"/> also refuses one of only white space.</summary>
    public string Required(string name, string? value, bool text = false)
    {
        if (string.IsNullOrEmpty(value) || (text && string.IsNullOrWhiteSpace(value)))
        {
            Errors[name] = [$"'{name}' is {(value is null ? "missing" : "empty")}. Send it as a {(text ? "string that is not blank" : "non-empty string")}, e.g. {example}."];
        }

        return value ?? string.Empty;
    }

    public long Positive(string name, long? value)
    {
        if (value is null or <= 0)
        {
            Errors[name] = [$"'{name}' is {(value is null ? "missing" : value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}. Send a whole number above zero, e.g. 5000; a grant cannot be taken back, it ends with the cycle."];
        }

        return value ?? 0;
    }
}
