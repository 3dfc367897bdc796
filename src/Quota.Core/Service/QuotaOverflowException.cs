using System.Globalization;

namespace Quota;

/// <summary>
/// A consume or record would take a meter past <see cref="long.MaxValue"/>. That is bad input — an amount counted in too
/// fine a unit, or a runaway caller — not a store failure: nothing was counted, the policy's failure mode does not apply
/// (the call is not allowed "open"), and it is not reported as a store failure. Every store throws it the same way.
/// </summary>
public sealed class QuotaOverflowException : OverflowException
{
    /// <summary>Initializes the exception.</summary>
    public QuotaOverflowException()
    {
    }

    /// <summary>Initializes the exception with a message.</summary>
    /// <param name="message">What overflowed.</param>
    public QuotaOverflowException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes the exception with a message and the failure behind it.</summary>
    /// <param name="message">What overflowed.</param>
    /// <param name="innerException">The failure behind it.</param>
    public QuotaOverflowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes the exception for an add of <paramref name="amount"/> to <paramref name="meter"/> that did not fit.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="meter">The meter that would overflow.</param>
    /// <param name="amount">The amount the call tried to add to it.</param>
    public QuotaOverflowException(string policy, string meter, long amount)
        : base(string.Create(CultureInfo.InvariantCulture, $"Adding {amount} to meter '{meter}' of quota policy '{policy}' would take it past {long.MaxValue} (long.MaxValue), so nothing was counted. Count that meter in a coarser unit (e.g. kilobytes instead of bytes), or check the caller that sends such amounts."))
    {
        Policy = policy;
        Meter = meter;
        Amount = amount;
    }

    /// <summary>Gets the policy's name, when known.</summary>
    public string? Policy { get; }

    /// <summary>Gets the meter that would overflow, when known.</summary>
    public string? Meter { get; }

    /// <summary>Gets the amount the call tried to add to <see cref="Meter"/>.</summary>
    public long Amount { get; }
}
