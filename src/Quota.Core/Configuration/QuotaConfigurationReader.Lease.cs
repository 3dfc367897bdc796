namespace Quota;

/// <summary>Reads <c>Policies:{name}:Lease:…</c> (see <see cref="QuotaLeaseOptions"/>).</summary>
internal sealed partial class QuotaConfigurationReader
{
    private static readonly string[] LeaseKeys = ["Enabled", "SettleInterval", "Lifetime", "MaxBlock"];

    private static void ReadLease(QuotaConfigurationSetting lease, QuotaLeaseOptions options)
    {
        if (!QuotaConfigurationSetting.HasChildren(lease.Section))
        {
            if (!string.IsNullOrEmpty(lease.Section.Value))
            {
                lease.Refuse("which is not a section. Write { \"Enabled\": true }, with SettleInterval, Lifetime or MaxBlock when the defaults do not suit.");
            }

            return;
        }

        foreach (var child in lease.Section.GetChildren())
        {
            var setting = new QuotaConfigurationSetting(child, lease.Options, lease.PolicyName, lease.Policy);
            var key = child.Key;
            if (Is(key, "Enabled"))
            {
                if (setting.TryReadChoice("true or false", out bool enabled, ("true", true), ("false", false)))
                {
                    options.Enabled = enabled;
                }
            }
            else if (Is(key, "SettleInterval"))
            {
                if (setting.TryReadTimeSpan(out var interval, "'00:00:01'"))
                {
                    options.SettleInterval = interval;
                }
            }
            else if (Is(key, "Lifetime"))
            {
                if (setting.TryReadTimeSpan(out var lifetime, "'00:00:30'"))
                {
                    options.Lifetime = lifetime;
                }
            }
            else if (Is(key, "MaxBlock"))
            {
                if (setting.TryReadInteger(out var block, "1000"))
                {
                    options.MaxBlock = block;
                }
            }
            else
            {
                setting.Refuse(Unknown("a lease setting", key, LeaseKeys));
            }
        }
    }
}
