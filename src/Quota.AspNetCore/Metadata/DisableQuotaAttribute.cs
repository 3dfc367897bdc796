namespace Quota.AspNetCore;

/// <summary>
/// Exempts a controller or action from every quota policy, the global one included, whatever other quota metadata it
/// carries. Minimal APIs write <c>.DisableQuota()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableQuotaAttribute : Attribute
{
    internal static DisableQuotaAttribute Instance { get; } = new();
}
