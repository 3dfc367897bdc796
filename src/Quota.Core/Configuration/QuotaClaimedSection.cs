namespace Quota;

/// <summary>A configuration section inside the Quota section that another component reads (a store's options), registered by <see cref="QuotaBuilder.ClaimSection"/>.</summary>
/// <param name="Path">The section's full path, e.g. <c>Quota:Sqlite</c>.</param>
internal sealed record QuotaClaimedSection(string Path);
