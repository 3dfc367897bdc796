namespace Quota;

/// <summary>Argument checks every store shares, so each refuses bad input with the same message.</summary>
public static class StoreArguments
{
    /// <summary>Checks a counter key.</summary>
    /// <param name="counter">The counter key.</param>
    /// <exception cref="ArgumentException">The policy or key is null or empty.</exception>
    public static void Validate(QuotaCounterKey counter) => ValidateSubject(counter.Policy, counter.Key);

    /// <summary>Checks a counter key and the deltas of a store call.</summary>
    /// <param name="counter">The counter key.</param>
    /// <param name="deltas">The deltas.</param>
    /// <exception cref="ArgumentException">A check failed; the message says what to pass instead.</exception>
    public static void Validate(QuotaCounterKey counter, ReadOnlySpan<QuotaMeterDelta> deltas)
    {
        Validate(counter);
        if (deltas.IsEmpty)
        {
            throw new ArgumentException("Pass at least one meter delta, e.g. new QuotaMeterDelta(\"requests\", 1).", nameof(deltas));
        }

        for (var i = 0; i < deltas.Length; i++)
        {
            if (string.IsNullOrEmpty(deltas[i].Meter))
            {
                throw new ArgumentException($"Delta {i} has no meter name. Name the meter, e.g. \"requests\".", nameof(deltas));
            }

            if (deltas[i].Amount < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(deltas), deltas[i].Amount, $"Delta {i} ('{deltas[i].Meter}') has a negative amount. Pass zero or more; give usage back with a subtract (refund).");
            }

            if (deltas[i].Limit < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(deltas), deltas[i].Limit, $"Delta {i} ('{deltas[i].Meter}') has a negative limit. Pass zero or more, or null for no limit.");
            }

            for (var j = 0; j < i; j++)
            {
                if (string.Equals(deltas[j].Meter, deltas[i].Meter, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Meter '{deltas[i].Meter}' appears twice. Pass each meter once with the total amount.", nameof(deltas));
                }
            }
        }
    }

    /// <summary>Checks a counter key, the deltas and the idempotency id of an unconditional add.</summary>
    /// <param name="counter">The counter key.</param>
    /// <param name="deltas">The deltas.</param>
    /// <param name="idempotencyId">The idempotency id; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">A check failed; the message says what to pass instead.</exception>
    public static void Validate(QuotaCounterKey counter, ReadOnlySpan<QuotaMeterDelta> deltas, string? idempotencyId)
    {
        Validate(counter, deltas);
        ValidateIdempotencyId(idempotencyId);
    }

    /// <summary>Checks an idempotency id: <see langword="null"/> (none) or a non-empty string.</summary>
    /// <param name="idempotencyId">The id.</param>
    /// <exception cref="ArgumentException">The id is empty.</exception>
    public static void ValidateIdempotencyId(string? idempotencyId)
    {
        if (idempotencyId is { Length: 0 })
        {
            throw new ArgumentException("The idempotency id is empty. Pass an id that names the batch or event (e.g. its GUID), or null to apply every call; an empty id would make every call that sends it count once.", nameof(idempotencyId));
        }
    }

    /// <summary>Checks a policy name and subject key.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The subject key.</param>
    /// <exception cref="ArgumentException">Either is null or empty.</exception>
    public static void ValidateSubject(string policy, string key)
    {
        if (string.IsNullOrEmpty(policy))
        {
            throw new ArgumentException("Pass the policy's name, e.g. \"api-monthly\".", nameof(policy));
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("Pass a non-empty subject key (a user id, team, API key…); an empty key would pool every caller into one quota.", nameof(key));
        }
    }
}
