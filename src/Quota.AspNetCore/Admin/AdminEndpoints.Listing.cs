using Microsoft.AspNetCore.Http;
using NodaTime;

namespace Quota.AspNetCore.Admin;

internal sealed partial class AdminEndpoints
{
    private static readonly string[] ListingParameters = ["policy", "at", "pageSize", "continuation", "includeUnused"];

    /// <summary>
    /// <c>GET api/usage?policy=…</c>: one page of the policy's subjects, each in its own cycle containing <c>at</c> (now by
    /// default), with usage, limit, remaining, anchor and next reset. <c>next</c> links the following page.
    /// </summary>
    public Task UsageAsync(HttpContext context) => RunAsync(context, context.Request.Query["policy"], async () =>
    {
        var (listing, problem) = await ListAsync(context).ConfigureAwait(false);
        return problem ?? Json(
            new UsagePageBody(listing.Policy, listing.At, listing.Page.Items.Select(UsageBody.From).ToArray(), listing.Page.Continuation, listing.Next),
            AdminJsonContext.Default.UsagePageBody);
    });

    /// <summary><c>GET api/alerts?policy=…</c>: the threshold alerts fired in the cycles of one page of subjects.</summary>
    public Task AlertsAsync(HttpContext context) => RunAsync(context, context.Request.Query["policy"], async () =>
    {
        var (listing, problem) = await ListAsync(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var alerts = new List<FiredAlertBody>();
        foreach (var usage in listing.Page.Items)
        {
            foreach (var alert in usage.Alerts)
            {
                alerts.Add(new FiredAlertBody(
                    usage.Key,
                    alert.Meter,
                    alert.Percent,
                    AdminText.Format(alert.FiredAt),
                    usage.Meters.GetValueOrDefault(alert.Meter),
                    usage.Limits.TryGetValue(alert.Meter, out var limit) ? limit : null,
                    AdminText.Format(usage.NextResetDate)));
            }
        }

        return Json(new AlertsPageBody(listing.Policy, listing.At, alerts, listing.Page.Continuation, listing.Next), AdminJsonContext.Default.AlertsPageBody);
    });

    /// <summary>Reads the listing parameters and lists one page through <see cref="IQuotaService.GetUsagePageAsync"/>.</summary>
    private async Task<(Listing Listing, IResult? Problem)> ListAsync(HttpContext context)
    {
        var query = new AdminQuery(context.Request, ListingParameters);
        var name = query.Required("policy", "hello-monthly");
        var at = query.Instant("at");
        var pageSize = query.Int("pageSize", QuotaAdmin.DefaultPageSize, 1, QuotaAdmin.MaxPageSize);
        var continuation = query.Optional("continuation");
        var includeUnused = query.Bool("includeUnused");
        if (!query.IsValid)
        {
            return (default, AdminProblems.Invalid(query.Errors));
        }

        if (Find(name, out var policy) is { } unknown)
        {
            return (default, unknown);
        }

        // Every page of one listing lists the same cycles: the first fixes "at" and the next link carries it.
        var options = new QuotaListOptions { At = at ?? Now(), PageSize = pageSize, Continuation = continuation, IncludeUnused = includeUnused };
        QuotaUsagePage page;
        using var deadline = new CancellationTokenSource(PageTimeout, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        try
        {
            // WaitAsync too: the wait ends on time even if the store does not watch the token.
            page = await quota.GetUsagePageAsync(policy.Name, options, bounded.Token).AsTask().WaitAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (ArgumentException ex) when (ex.ParamName == "continuation")
        {
            return (default, AdminProblems.Invalid("continuation", AdminText.Message(ex) + " Follow the 'next' link of the previous page."));
        }
        catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw new QuotaStoreException($"The quota store did not list a page of policy '{policy.Name}' within {PageTimeout.TotalSeconds} s.", ex);
        }

        var next = page.Continuation is null ? null : NextLink(context.Request, policy.Name, options.At.Value, pageSize, includeUnused, page.Continuation);
        return (new Listing(policy.Name, AdminText.Format(options.At.Value), page, next), null);
    }

    private static string NextLink(HttpRequest request, string policy, Instant at, int pageSize, bool includeUnused, string continuation)
    {
        var parameters = new List<KeyValuePair<string, string?>>
        {
            new("policy", policy),
            new("at", AdminText.Format(at)),
            new("pageSize", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (includeUnused)
        {
            parameters.Add(new("includeUnused", "true"));
        }

        parameters.Add(new("continuation", continuation));
        return (request.PathBase + request.Path + QueryString.Create(parameters)).ToString();
    }

    private readonly record struct Listing(string Policy, string At, QuotaUsagePage Page, string? Next);
}
