using NodaTime;

namespace Quota.PluginSdk;

/// <summary>Creates usage clients: CloudQuery's <c>NewUsageClient</c>, backed by a Quota policy in any store.</summary>
public static class UsageClient
{
    /// <summary>Creates a usage client with the default options (<see cref="UsageClientOptions"/>).</summary>
    /// <param name="meta">The plugin; its <see cref="PluginMeta.Team"/> is the subject key rows are counted under.</param>
    /// <param name="quota">The quota service, e.g. <c>provider.GetRequiredService&lt;IQuotaService&gt;()</c>.</param>
    /// <param name="policy">The policy that caps the team's rows, e.g. one with allowance <c>rows = 1_000_000</c> per month.</param>
    /// <param name="clock">The clock, e.g. <c>provider.GetRequiredService&lt;IClock&gt;()</c>.</param>
    /// <returns>A running client; close it when the sync ends.</returns>
    /// <exception cref="ArgumentException">An argument is missing, or no policy has that name (the message lists those that exist).</exception>
    public static IUsageClient Create(PluginMeta meta, IQuotaService quota, string policy, IClock clock)
        => Create(meta, quota, policy, options: null, clock);

    /// <summary>Creates a usage client.</summary>
    /// <param name="meta">The plugin; its <see cref="PluginMeta.Team"/> is the subject key rows are counted under.</param>
    /// <param name="quota">The quota service, e.g. <c>provider.GetRequiredService&lt;IQuotaService&gt;()</c>.</param>
    /// <param name="policy">The policy that caps the team's rows, e.g. one with allowance <c>rows = 1_000_000</c> per month.</param>
    /// <param name="options">Batching, retries and logging; <see langword="null"/> for the defaults. The client keeps a copy.</param>
    /// <param name="clock">The clock, e.g. <c>provider.GetRequiredService&lt;IClock&gt;()</c>.</param>
    /// <returns>
    /// A running client; close it when the sync ends. With <see cref="PluginMeta.SkipUsageClient"/>, a client that counts
    /// nothing and always has quota.
    /// </returns>
    /// <exception cref="ArgumentException">An argument is missing, or no policy has that name (the message lists those that exist).</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message lists every problem.</exception>
    public static IUsageClient Create(PluginMeta meta, IQuotaService quota, string policy, UsageClientOptions? options, IClock clock)
        => Create(meta, quota, policy, options, clock, SystemDelays.Instance);

    internal static IUsageClient Create(PluginMeta meta, IQuotaService quota, string policy, UsageClientOptions? options, IClock clock, IDelayScheduler delays)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(clock);
        if (string.IsNullOrWhiteSpace(meta.Team))
        {
            throw new ArgumentException("PluginMeta.Team is empty. Set the team whose allowance the rows count against, e.g. \"acme\".", nameof(meta));
        }

        if (string.IsNullOrWhiteSpace(meta.Name))
        {
            throw new ArgumentException("PluginMeta.Name is empty. Set the plugin's name, e.g. \"github\".", nameof(meta));
        }

        var copy = (options ?? new UsageClientOptions()).Copy();
        UsageClientOptionsValidator.ThrowIfInvalid(copy);
        if (meta.SkipUsageClient)
        {
            return new NoOpUsageClient(meta.Team);
        }

        // Fails now, listing the configured policies, rather than at the first flush.
        var resolved = quota.GetPolicy(policy);
        return new BatchingUsageClient(meta, quota, resolved.Name, copy, clock, delays);
    }
}
