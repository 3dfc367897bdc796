namespace Quota;

/// <summary>Whether a policy refuses usage past its allowances.</summary>
public enum QuotaEnforcement
{
    /// <summary>Refuse a consume that would exceed an allowance.</summary>
    Enforce = 0,

    /// <summary>Count and report everything, never refuse: the decision says what would have been refused.</summary>
    Shadow = 1,
}
