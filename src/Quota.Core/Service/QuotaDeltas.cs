namespace Quota;

/// <summary>Turns a policy's allowances and a caller's amounts into the deltas of one store call.</summary>
internal static class QuotaDeltas
{
    public const string RequestsMeter = "requests";

    /// <summary>
    /// Builds the deltas: each requested meter with its amount (and limit, if any), then every other limited meter at
    /// amount 0 so that an exhausted meter refuses and every limited meter's usage is reported. One array, no lists.
    /// </summary>
    /// <param name="allowances">The subject's allowances.</param>
    /// <param name="amounts">The amounts; <see langword="null"/> for one <c>requests</c>.</param>
    public static QuotaMeterDelta[] Build(IReadOnlyDictionary<string, long> allowances, IReadOnlyDictionary<string, long>? amounts)
    {
        if (amounts is null)
        {
            var defaults = new QuotaMeterDelta[1 + Carried(allowances, RequestsMeter, amounts: null)];
            defaults[0] = new QuotaMeterDelta(RequestsMeter, 1, Limit(allowances, RequestsMeter));
            AddCarried(allowances, amounts: null, defaults, next: 1);
            return defaults;
        }

        if (amounts.Count == 0)
        {
            throw new ArgumentException("Pass at least one meter and amount, e.g. { [\"requests\"] = 1 }.", nameof(amounts));
        }

        var deltas = new QuotaMeterDelta[amounts.Count + Carried(allowances, requested: null, amounts)];
        var next = 0;

        // Dictionaries are walked with their struct enumerators where they are dictionaries: an interface walk boxes one per call.
        if (amounts is Dictionary<string, long> typed)
        {
            foreach (var (meter, amount) in typed)
            {
                deltas[next++] = Requested(allowances, meter, amount);
            }
        }
        else
        {
            foreach (var (meter, amount) in amounts)
            {
                deltas[next++] = Requested(allowances, meter, amount);
            }
        }

        AddCarried(allowances, amounts, deltas, next);
        return deltas;
    }

    private static QuotaMeterDelta Requested(IReadOnlyDictionary<string, long> allowances, string meter, long amount)
    {
        if (string.IsNullOrEmpty(meter))
        {
            throw new ArgumentException("An amount has an empty meter name. Name each meter, e.g. \"requests\".", "amounts");
        }

        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException("amounts", amount, $"The amount for meter '{meter}' is negative. Pass zero or more; give usage back with RefundAsync.");
        }

        return new QuotaMeterDelta(meter, amount, Limit(allowances, meter));
    }

    /// <summary>Counts the limited meters that are not requested: the default's other meters, or those missing from the amounts.</summary>
    private static int Carried(IReadOnlyDictionary<string, long> allowances, string? requested, IReadOnlyDictionary<string, long>? amounts)
    {
        var requestedLimited = 0;
        if (amounts is null)
        {
            requestedLimited = allowances.ContainsKey(requested!) ? 1 : 0;
        }
        else if (amounts.Count < allowances.Count)
        {
            foreach (var meter in amounts.Keys)
            {
                requestedLimited += allowances.ContainsKey(meter) ? 1 : 0;
            }
        }
        else if (allowances is Dictionary<string, long> typed)
        {
            foreach (var meter in typed.Keys)
            {
                requestedLimited += amounts.ContainsKey(meter) ? 1 : 0;
            }
        }
        else
        {
            foreach (var meter in allowances.Keys)
            {
                requestedLimited += amounts.ContainsKey(meter) ? 1 : 0;
            }
        }

        return allowances.Count - requestedLimited;
    }

    /// <summary>Appends every limited meter that is not requested, at amount 0, from <paramref name="next"/> on.</summary>
    private static void AddCarried(IReadOnlyDictionary<string, long> allowances, IReadOnlyDictionary<string, long>? amounts, QuotaMeterDelta[] deltas, int next)
    {
        if (next == deltas.Length)
        {
            return;
        }

        foreach (var (meter, limit) in allowances)
        {
            if (amounts is null ? meter != RequestsMeter : !amounts.ContainsKey(meter))
            {
                deltas[next++] = new QuotaMeterDelta(meter, 0, limit);
            }
        }
    }

    private static long? Limit(IReadOnlyDictionary<string, long> allowances, string meter)
        => allowances.TryGetValue(meter, out var limit) ? limit : null;

    /// <summary>
    /// Returns the deltas with each limit raised by the meter's grants in the cycle (as the store compared them), so a
    /// decision reports the limit and remaining that apply: the deltas themselves when nothing was granted.
    /// </summary>
    public static QuotaMeterDelta[] WithGranted(QuotaMeterDelta[] deltas, QuotaCounterValues granted)
    {
        if (granted.Count != deltas.Length)
        {
            return deltas;
        }

        QuotaMeterDelta[]? raised = null;
        for (var i = 0; i < deltas.Length; i++)
        {
            if (granted[i] > 0 && deltas[i].Limit is { } limit)
            {
                raised ??= (QuotaMeterDelta[])deltas.Clone();
                raised[i] = deltas[i] with { Limit = QuotaMeterDelta.PlusGranted(limit, granted[i]) };
            }
        }

        return raised ?? deltas;
    }
}
