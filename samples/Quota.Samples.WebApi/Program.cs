using NodaTime.Text;
using Quota;
using Quota.Samples.WebApi;
using Quota.Samples.WebApi.Admin;
using Quota.Samples.WebApi.Json;

// A small API with per-user quotas, in the style of Zuplo's Quota policy. Run it with
//   dotnet run --project samples/Quota.Samples.WebApi
// and call it with an API key from appsettings.json, e.g.
//   curl -i -H "X-Api-Key: demo-key-alice" http://127.0.0.1:5080/hello
var builder = WebApplication.CreateBuilder(args);

// The answers' JSON is source-generated, so the sample also runs published with Native AOT (see the README).
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJsonContext.Default));

builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(
        ApiKeyAuthenticationHandler.SchemeName,
        options =>
        {
            builder.Configuration.GetSection("ApiKeys").Bind(options.Keys);
            builder.Configuration.GetSection("Admins").Bind(options.Admins);
        })
    .AddAdminCookie(); // the dashboard's sign-in: the admin key typed once into a form, then an HttpOnly, SameSite=Strict cookie

// The quota admin API and dashboard are for the users listed under "Admins", with their API key (curl) or the cookie
// (a browser). Anyone else signed in gets 403, anonymous callers 401 (a browser is sent to the sign-in form).
builder.Services.AddAuthorizationBuilder().AddPolicy(AdminSignIn.Policy, policy => policy
    .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName, AdminSignIn.Scheme)
    .RequireRole(ApiKeyAuthenticationHandler.AdminRole));
builder.Services.AddAntiforgery();

// The policies live in appsettings.json under "Quota", written as Zuplo's quota-inbound options (period, allowances,
// quotaBy, quotaAnchorMode, quotaOnStatusCodes). The section is given once; AddHttp() adds the HTTP settings to the same
// policies. Every key is applied or refused at start-up by its path: a typo stops the app and says what to write.
var quotaSection = builder.Configuration.GetSection("Quota");
var quota = builder.Services.AddQuota(quotaSection).AddHttp();

// ── STORE ── the one line that says where usage is kept: a SQLite file (Quota:Sqlite:ConnectionString: quota.db in the
//            working directory, the sample's folder under `dotnet run --project`), so usage survives restarts. Delete the
//            file to start afresh; quota.UseInMemoryStore() keeps usage in memory instead.
quota.UseSqliteStore(quotaSection.GetSection("Sqlite"));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseQuota();

// 10 requests a month per user, counted from each user's first call.
app.MapGet("/hello", (HttpContext context) => $"Hello, {context.User.Identity!.Name}!")
    .RequireQuota("hello-monthly");

// 100 requests a day AND 50,000 tokens a month per user; the tokens are the prompt's size (about four bytes a token).
app.MapPost("/completions", async (HttpContext context) =>
{
    using var reader = new StreamReader(context.Request.Body);
    var prompt = await reader.ReadToEndAsync(context.RequestAborted);
    var tokens = (System.Text.Encoding.UTF8.GetByteCount(prompt) + 3) / 4;
    context.SetQuotaMeters("tokens", tokens);
    return Results.Ok(new CompletionBody($"You sent {tokens} tokens; here is a completion of none.", tokens));
}).RequireQuota("completions-daily", "completions-monthly");

// The caller's usage of every policy, read without counting anything (Zuplo's getUsage).
app.MapGet("/usage", async (HttpContext context, IQuotaService quotas) =>
{
    var policies = new Dictionary<string, PolicyUsageBody>();
    foreach (var policy in quotas.Policies.OrderBy(p => p.Name, StringComparer.Ordinal))
    {
        if (await context.GetQuotaUsageAsync(policy.Name, context.RequestAborted) is not { } usage)
        {
            return Results.Unauthorized();
        }

        policies[policy.Name] = new PolicyUsageBody(
            InstantPattern.ExtendedIso.Format(usage.AnchorDate),
            InstantPattern.ExtendedIso.Format(usage.NextResetDate),
            usage.Meters,
            usage.Remaining);
    }

    return Results.Ok(new UsageBody(context.User.Identity?.Name, policies));
});

// The admin API (JSON under /quota-admin/api/…) and the dashboard (/quota-admin/), for quota admins only. Thresholds in
// appsettings.json log "alice reached 80 % of hello-monthly" (category Quota.Alerts) and show on the dashboard.
app.MapQuotaAdmin("/quota-admin").RequireAuthorization(AdminSignIn.Policy);
app.MapAdminSignIn();

app.Run();
