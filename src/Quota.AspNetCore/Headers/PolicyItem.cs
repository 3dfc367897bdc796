namespace Quota.AspNetCore;

/// <summary>One formatted <c>RateLimit-Policy</c> item and what it was formatted from, so an unchanged item is reused.</summary>
internal sealed record PolicyItem(string Meter, bool First, long Limit, long Window, string Name, string Text);
