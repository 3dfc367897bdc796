namespace Quota;

/// <summary>What a consume answers when the store fails or does not answer within the policy's timeout.</summary>
public enum QuotaFailureMode
{
    /// <summary>Refuse (the decision's outcome is <see cref="QuotaOutcome.FailedClosed"/>): nothing is given away uncounted.</summary>
    FailClosed = 0,

    /// <summary>Allow (the decision's outcome is <see cref="QuotaOutcome.FailedOpen"/>): the caller keeps working while the store is down; that usage is not counted.</summary>
    FailOpen = 1,
}
