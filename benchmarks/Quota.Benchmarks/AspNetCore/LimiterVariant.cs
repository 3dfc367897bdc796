using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Quota.AspNetCore;

namespace Quota.Benchmarks.AspNetCore;

/// <summary>The three pipelines every ASP.NET Core benchmark compares, configured once here so they stay identical.</summary>
public enum LimiterVariant
{
    /// <summary>No limiter: the baseline.</summary>
    None,

    /// <summary>ASP.NET Core's <c>UseRateLimiter</c>, a fixed window partitioned per user (the NameIdentifier claim).</summary>
    RateLimiter,

    /// <summary><c>UseQuota</c> with a monthly, first-use policy on the in-memory store, counted per user.</summary>
    Quota,
}

internal static class LimiterVariants
{
    public static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "bench-user")], "bench"));

    public static void AddServices(LimiterVariant variant, IServiceCollection services)
    {
        switch (variant)
        {
            case LimiterVariant.RateLimiter:
                services.AddRateLimiter(options => options.AddPolicy("per-user", context =>
                    RateLimitPartition.GetFixedWindowLimiter(
                        context.User.FindFirst(ClaimTypes.NameIdentifier)!.Value,
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = int.MaxValue, Window = TimeSpan.FromDays(30), QueueLimit = 0 })));
                break;
            case LimiterVariant.Quota:
                services.AddQuota().AddHttp().AddPolicy("monthly", p =>
                {
                    p.Period = "monthly";
                    p.Allowances["requests"] = 1_000_000_000_000;
                });
                break;
        }
    }

    public static void UseLimiter(LimiterVariant variant, IApplicationBuilder app)
    {
        if (variant == LimiterVariant.RateLimiter)
        {
            app.UseRateLimiter();
        }
        else if (variant == LimiterVariant.Quota)
        {
            app.UseQuota();
        }
    }

    /// <summary>Returns the endpoint metadata that puts the variant's limiter on <c>GET /hello</c>.</summary>
    public static object[] Metadata(LimiterVariant variant) => variant switch
    {
        LimiterVariant.RateLimiter => [new EnableRateLimitingAttribute("per-user")],
        LimiterVariant.Quota => [new QuotaAttribute("monthly")],
        _ => [],
    };
}
