using Microsoft.Extensions.Options;

namespace Quota.AspNetCore;

/// <summary>
/// Flows the HTTP settings that Quota.Core also needs into its policies: Zuplo's <c>QuotaAnchorMode</c> becomes the policy's
/// <see cref="QuotaPolicyOptions.AnchorMode"/>; a policy whose anchor comes from <see cref="QuotaHttpPolicyOptions.GetAnchorDate"/>
/// gets an <see cref="QuotaPolicyOptions.AnchorProvider"/> that explains, if anything outside a request asks it, where the anchor comes from.
/// </summary>
internal sealed class QuotaPolicyOptionsFromHttp(IOptions<QuotaHttpOptions> http) : IPostConfigureOptions<QuotaOptions>
{
    public void PostConfigure(string? name, QuotaOptions options)
    {
        QuotaHttpOptions value;
        try
        {
            value = http.Value;
        }
        catch (OptionsValidationException)
        {
            // The HTTP settings are invalid; their own validation reports it (once), so there is nothing to flow here.
            return;
        }

        foreach (var (policyName, httpPolicy) in value.Policies)
        {
            if (httpPolicy is null || !options.Policies.TryGetValue(policyName, out var policy) || policy is null)
            {
                continue;
            }

            if (httpPolicy.QuotaAnchorMode is { } mode)
            {
                policy.AnchorMode = mode;
            }

            if (httpPolicy.GetAnchorDate is not null && policy.AnchorProvider is null)
            {
                var message = $"Quota policy '{policyName}' takes each caller's anchor from the HTTP request (GetAnchorDate). Outside a request, pass the anchor in the subject: new QuotaSubject(key, anchor: …).";
                // A faulted task rather than a throw: Quota.Core wraps a provider's failure into QuotaProviderException only
                // when it arrives through the task (a synchronous throw would be taken for a store failure).
                policy.AnchorProvider = (_, _) => ValueTask.FromException<NodaTime.Instant>(new InvalidOperationException(message));
            }
        }
    }
}
