namespace Quota;

/// <summary>How a consume was decided.</summary>
public enum QuotaOutcome
{
    /// <summary>Every meter had room; the amounts were counted.</summary>
    Allowed = 0,

    /// <summary>A limited meter had no room; nothing was counted.</summary>
    Refused = 1,

    /// <summary>A shadow policy counted the amounts although a limit was exceeded; an enforced policy would have refused.</summary>
    ShadowRefused = 2,

    /// <summary>The store failed or timed out and the policy fails open: allowed, not counted.</summary>
    FailedOpen = 3,

    /// <summary>The store failed or timed out and the policy fails closed: refused, not counted.</summary>
    FailedClosed = 4,
}
