namespace Quota.PluginSdk;

/// <summary>Creates usage clients: CloudQuery's <c>NewUsageClient</c>, backed by a Quota policy in any store.</summary>
public static class UsageClient
{
    /// <summary>Creates a usage client.</summary>
    /// <param name="meta">
    /// The plugin. Its rows are counted under the subject key <see cref="UsageSubjects.KeyOf"/> gives for it and
    /// <see cref="UsageClientOptions.Scope"/>: <c>team/kind/name</c> by default, e.g. <c>acme/source/github</c>.
    /// </param>
    /// <param name="quota">The quota service, e.g. <c>provider.GetRequiredService&lt;IQuotaService&gt;()</c>.</param>
    /// <param name="policy">The policy that caps the rows, e.g. one with allowance <c>rows = 1_000_000</c> per month.</param>
    /// <param name="options">
    /// Batching, retries, logging and the <see cref="UsageClientOptions.TimeProvider"/> its timers run on;
    /// <see langword="null"/> for the defaults. The client keeps a copy.
    /// </param>
    /// <returns>
    /// A running client; close it when the sync ends. With <see cref="PluginMeta.SkipUsageClient"/>, a client that counts
    /// nothing and always has quota.
    /// </returns>
    /// <exception cref="ArgumentException">An argument is missing, or no policy has that name (the message lists those that exist).</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message lists every problem.</exception>
    public static IUsageClient Create(PluginMeta meta, IQuotaService quota, string policy, UsageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(quota);
        if (string.IsNullOrWhiteSpace(meta.Team))
        {
            throw new ArgumentException("PluginMeta.Team is empty. Set the team whose allowance the rows count against, e.g. \"acme\".", nameof(meta));
        }

        if (string.IsNullOrWhiteSpace(meta.Name))
        {
            throw new ArgumentException("PluginMeta.Name is empty. Set the plugin's name, e.g. \"github\".", nameof(meta));
        }

        if (!Enum.IsDefined(meta.Kind))
        {
            throw new ArgumentException($"PluginMeta.Kind is {meta.Kind}. Set PluginKind.Source or PluginKind.Destination.", nameof(meta));
        }

        var copy = (options ?? new UsageClientOptions()).Copy();
        UsageClientOptionsValidator.ThrowIfInvalid(copy);
        if (meta.SkipUsageClient)
        {
            return new NoOpUsageClient(meta, copy.Scope);
        }

        // Fails now, listing the configured policies, rather than at the first flush.
        var resolved = quota.GetPolicy(policy);
        return new BatchingUsageClient(meta, quota, resolved.Name, copy, copy.TimeProvider ?? TimeProvider.System);
    }
}
