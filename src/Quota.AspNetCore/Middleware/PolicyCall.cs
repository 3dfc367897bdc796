namespace Quota.AspNetCore;

/// <summary>What happened to one policy on one request: its subject, its decision, and what was given back.</summary>
internal struct PolicyCall
{
    public HttpPolicy Policy;

    public QuotaSubject Subject;

    /// <summary>The consume's decision; meaningful when <see cref="HasDecision"/>.</summary>
    public QuotaDecision Decision;

    public bool HasDecision;

    /// <summary>The caller could not be identified and the policy is shadow-only: nothing was counted.</summary>
    public bool Skipped;

    /// <summary>The reserved request was given back (another policy refused, or the status does not count).</summary>
    public bool Refunded;

    /// <summary>Usage read without consuming, for a policy after the one that refused (rare: kept out of line).</summary>
    public UsageRead? Read;

    /// <summary>Gets a value indicating whether the consume counted its request (allowed or shadow), so it can be given back.</summary>
    public readonly bool Reserved => HasDecision && Decision.Outcome is QuotaOutcome.Allowed or QuotaOutcome.ShadowRefused;
}
