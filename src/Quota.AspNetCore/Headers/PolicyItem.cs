namespace Quota.AspNetCore;

/// <summary>One formatted <c>RateLimit-Policy</c> item and what it was formatted from, so an unchanged item is reused.</summary>
internal sealed record PolicyItem(string Meter, bool First, long Limit, long Window, string Name, string Text)
{
    /// <summary>Gets the start of this item's <c>RateLimit</c> item, <c>"name";r=</c>, to which the remaining amount is appended.</summary>
    public string StatePrefix { get; } = Name + ";r=";
}
