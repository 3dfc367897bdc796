namespace Quota;

/// <summary>A store whose counters live in this process and that grants from them itself: the service's local path needs no lease on it.</summary>
internal interface ILocalGrantSource
{
    /// <summary>Gets the store's local grants.</summary>
    LocalGrants LocalGrants { get; }
}
