using System.Text;

namespace Quota;

/// <summary>How configuration values are compared and how accepted values are listed in messages.</summary>
internal static class ConfigurationText
{
    /// <summary>Lower-cases the text and drops hyphens, underscores and spaces: <c>first-api-call</c> equals <c>FirstApiCall</c>.</summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is not ('-' or '_' or ' ' or '\t'))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    /// <summary>Parses a whole number written in digits with an optional sign: <c>10,000</c>, <c>1e4</c> and <c>10.0</c> are not.</summary>
    public static bool TryParseInteger(string? text, out long value)
        => long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out value);

    /// <summary>Lists each value once by its first name, with its other names in brackets: <c>FirstUse (or first-api-call), Function or Calendar</c>.</summary>
    public static string Choices<T>(ReadOnlySpan<(string Name, T Value)> choices)
    {
        var listed = new List<(T Value, List<string> Names)>();
        foreach (var (name, value) in choices)
        {
            var index = listed.FindIndex(l => EqualityComparer<T>.Default.Equals(l.Value, value));
            if (index < 0)
            {
                listed.Add((value, [name]));
            }
            else
            {
                listed[index].Names.Add(name);
            }
        }

        var items = listed.Select(l => l.Names.Count == 1 ? l.Names[0] : $"{l.Names[0]} (or {string.Join(", ", l.Names.Skip(1))})").ToList();
        return items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} or {items[^1]}";
    }

    /// <summary>Says that <paramref name="key"/> is not <paramref name="what"/>, with the closest known key and the list of known keys.</summary>
    /// <param name="what">What the key is not, with its article, e.g. <c>a setting of a quota policy</c>.</param>
    /// <param name="key">The key found.</param>
    /// <param name="known">The keys that are read there.</param>
    /// <returns>E.g. <c>which is not a Quota setting. Did you mean Policies? Write one of: Policies, …</c></returns>
    public static string Unknown(string what, string key, IEnumerable<string> known)
    {
        var list = known.ToList();
        var closest = Closest(key, list);
        var guess = closest is null ? string.Empty : $" Did you mean {closest}?";
        return $"which is not {what}.{guess} Write one of: {string.Join(", ", list)}.";
    }

    /// <summary>Returns the known key closest to a misspelt one (at most two edits apart, ignoring case), if any.</summary>
    public static string? Closest(string key, IEnumerable<string> known)
    {
        string? best = null;
        var bestDistance = 3;
        var wanted = key.ToLowerInvariant();
        foreach (var candidate in known)
        {
            var distance = Distance(wanted, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance over two rows.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
