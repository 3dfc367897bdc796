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
        var carried = 0;
        foreach (var meter in allowances.Keys)
        {
            if (amounts is null ? meter != RequestsMeter : !amounts.ContainsKey(meter))
            {
                carried++;
            }
        }

        var deltas = new QuotaMeterDelta[(amounts?.Count ?? 1) + carried];
        var next = 0;
        if (amounts is null)
        {
            deltas[next++] = new QuotaMeterDelta(RequestsMeter, 1, Limit(allowances, RequestsMeter));
        }
        else
        {
            foreach (var (meter, amount) in amounts)
            {
                if (string.IsNullOrEmpty(meter))
                {
                    throw new ArgumentException("An amount has an empty meter name. Name each meter, e.g. \"requests\".", nameof(amounts));
                }

                if (amount < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(amounts), amount, $"The amount for meter '{meter}' is negative. Pass zero or more; give usage back with RefundAsync.");
                }

                deltas[next++] = new QuotaMeterDelta(meter, amount, Limit(allowances, meter));
            }

            if (next == 0)
            {
                throw new ArgumentException("Pass at least one meter and amount, e.g. { [\"requests\"] = 1 }.", nameof(amounts));
            }
        }

        foreach (var (meter, limit) in allowances)
        {
            if (amounts is null ? meter != RequestsMeter : !amounts.ContainsKey(meter))
            {
                deltas[next++] = new QuotaMeterDelta(meter, 0, limit);
            }
        }

        return deltas;
    }

    private static long? Limit(IReadOnlyDictionary<string, long> allowances, string meter)
        => allowances.TryGetValue(meter, out var limit) ? limit : null;
}
