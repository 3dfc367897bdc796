namespace Quota;

/// <summary>The store failed, or did not answer within the policy's <see cref="QuotaPolicyOptions.StoreTimeout"/>.</summary>
public sealed class QuotaStoreException : Exception
{
    /// <summary>Initializes the exception.</summary>
    public QuotaStoreException()
    {
    }

    /// <summary>Initializes the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public QuotaStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes the exception with a message and the store's own failure.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The store's failure.</param>
    public QuotaStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
