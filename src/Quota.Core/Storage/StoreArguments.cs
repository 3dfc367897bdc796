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

    /// <summary>Checks the arguments of <see cref="IQuotaStore.GrantAsync"/>.</summary>
    /// <param name="counter">The counter key.</param>
    /// <param name="grant">The grant.</param>
    /// <param name="maxTotal">The most the meter's grants may total.</param>
    /// <exception cref="ArgumentException">A check failed; the message says what to pass instead.</exception>
    public static void ValidateGrant(QuotaCounterKey counter, QuotaGrant grant, long maxTotal)
    {
        Validate(counter);
        ArgumentNullException.ThrowIfNull(grant);
        if (string.IsNullOrEmpty(grant.Meter))
        {
            throw new ArgumentException("The grant has no meter name. Name the meter it adds to, e.g. \"requests\".", nameof(grant));
        }

        if (grant.Amount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(grant), grant.Amount, $"The grant of meter '{grant.Meter}' is {grant.Amount}. Grant a positive amount; a grant cannot be taken back.");
        }

        if (grant.Reason is null)
        {
            throw new ArgumentException("The grant has no reason. Say why it is given, e.g. \"support ticket 4711\".", nameof(grant));
        }

        if (maxTotal < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTotal), maxTotal, "Pass the most the meter's grants may total: zero or more, e.g. long.MaxValue minus the allowance.");
        }
    }

    /// <summary>Checks the arguments of <see cref="IQuotaStore.TryMarkAlertAsync"/>.</summary>
    /// <param name="counter">The counter key.</param>
    /// <param name="alert">The alert's mark.</param>
    /// <exception cref="ArgumentException">A check failed; the message says what to pass instead.</exception>
    public static void ValidateAlert(QuotaCounterKey counter, QuotaAlertMark alert)
    {
        Validate(counter);
        if (string.IsNullOrEmpty(alert.Meter))
        {
            throw new ArgumentException("The alert has no meter name. Name the meter whose threshold was crossed, e.g. \"requests\".", nameof(alert));
        }

        if (alert.Percent <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alert), alert.Percent, $"The alert of meter '{alert.Meter}' has threshold {alert.Percent} %. Pass a positive percentage, e.g. 80.");
        }
    }

    /// <summary>Checks the counters of <see cref="IQuotaStore.ReadCountersAsync"/>.</summary>
    /// <param name="counters">The counter keys.</param>
    /// <exception cref="ArgumentException">A check failed; the message says what to pass instead.</exception>
    public static void ValidateCounters(IReadOnlyList<QuotaCounterKey> counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        for (var i = 0; i < counters.Count; i++)
        {
            Validate(counters[i]);
        }
    }

    /// <summary>Checks the arguments of <see cref="IQuotaStore.ListSubjectsAsync"/>.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="limit">The most subjects in a page.</param>
    /// <exception cref="ArgumentException">A check failed; the message says what to pass instead.</exception>
    public static void ValidateListing(string policy, int limit)
    {
        if (string.IsNullOrEmpty(policy))
        {
            throw new ArgumentException("Pass the policy's name, e.g. \"api-monthly\".", nameof(policy));
        }

        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "Pass the most subjects a page may hold: 1 or more, e.g. 1000.");
        }
    }
}
