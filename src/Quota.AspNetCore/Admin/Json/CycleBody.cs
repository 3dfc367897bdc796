namespace Quota.AspNetCore.Admin;

/// <summary>A cycle: its number counted from the anchor, and <c>[start, end)</c> as ISO-8601 instants.</summary>
internal sealed record CycleBody(long Index, string Start, string End)
{
    public static CycleBody From(QuotaCycle cycle) => new(cycle.Index, AdminText.Format(cycle.Start), AdminText.Format(cycle.End));
}
