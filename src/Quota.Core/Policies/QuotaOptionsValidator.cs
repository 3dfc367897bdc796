using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Quota;

/// <summary>
/// Validates every policy in one pass and reports every problem — those the configuration reader found first — each
/// naming the setting's path (<c>Quota:Policies:api:Period</c>), the value, and what to write instead.
/// </summary>
internal sealed class QuotaOptionsValidator(IServiceProvider services) : IValidateOptions<QuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaOptions options)
    {
        var errors = Collect(options);
        var storeProblems = 0;
        foreach (var check in services.GetServices<QuotaStoreOptionsCheck>())
        {
            var problems = check.Problems(services).ToList();
            storeProblems += problems.Count;
            errors.AddRange(problems);
        }

        if (!options.ReadFromConfiguration && UnreadSection(services.GetService<IConfiguration>()) is { } unread)
        {
            errors.Add(unread);
        }

        // Only a policy that leases needs the store at start-up: a store that cannot lease is refused now, not at first use.
        // A store whose own options are wrong is not built here (it would throw); its problems are listed above.
        if (storeProblems == 0 && options.Policies.Any(p => p.Value is { Lease.Enabled: true, Enforcement: QuotaEnforcement.Enforce })
            && BuildStore() is { } store and not IQuotaLeaseStore and not ILocalGrantSource)
        {
            errors.AddRange(options.Policies.Where(p => p.Value is { Lease.Enabled: true }).Select(p => QuotaService.LeaseRefusal(p.Key, store)));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Gets whether this thread is building the store for <see cref="Validate"/>, inside the validation of Quota's options.</summary>
    internal static bool BuildingStore => t_buildingStore;

    [ThreadStatic]
    private static bool t_buildingStore;

    /// <summary>
    /// Builds the store while Quota's options are being validated. A store registered with its own options reads Quota's
    /// options first (<see cref="QuotaBuilder.UseStore{TOptions, TValidator}"/>), which would wait for this validation to
    /// end; while this flag is set, it skips that read, since this validation is that read.
    /// </summary>
    private IQuotaStore? BuildStore()
    {
        t_buildingStore = true;
        try
        {
            return services.GetService<IQuotaStore>();
        }
        finally
        {
            t_buildingStore = false;
        }
    }

    internal static List<string> Collect(QuotaOptions options)
    {
        var errors = new List<string>(options.ConfigurationProblems);
        if (options.ExpiredCounterRetention < TimeSpan.Zero)
        {
            errors.Add($"{options.PathOf("ExpiredCounterRetention")} is {Show(options.ExpiredCounterRetention)}, which is negative. Write zero or more, e.g. '01:00:00'.");
        }

        if (options.MaxCachedSubjects < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{options.PathOf("MaxCachedSubjects")} is {options.MaxCachedSubjects}, which is not positive. Write a positive number, e.g. 100000."));
        }

        if (options.ClockReadInterval < TimeSpan.Zero || options.ClockReadInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{options.PathOf("ClockReadInterval")} is {Show(options.ClockReadInterval)}, which is out of range. Write a time from '00:00:00' (read the clock on every call) to '00:01:00', e.g. '00:00:01'.");
        }

        CollectAlerts(options, errors);
        foreach (var (policyName, policy) in options.Policies)
        {
            CollectPolicy(options, policyName, policy, errors);
        }

        return errors;
    }

    private static void CollectPolicy(QuotaOptions options, string name, QuotaPolicyOptions? policy, List<string> errors)
    {
        string Path(string setting) => options.PathOf("Policies", name, setting);
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add($"{options.PathOf("Policies")} has a policy with an empty name. Name every policy, e.g. 'api-monthly'.");
        }

        if (policy is null)
        {
            errors.Add($"{options.PathOf("Policies", name)} has no settings. Set at least its Period, e.g. 'monthly'.");
            return;
        }

        if (!QuotaPeriod.TryParse(policy.Period, out _, out var periodError))
        {
            errors.Add($"{Path("Period")}: {periodError}");
        }

        foreach (var (meter, limit) in policy.Allowances)
        {
            if (string.IsNullOrWhiteSpace(meter))
            {
                errors.Add($"{Path("Allowances")} has a meter with an empty name. Name it, e.g. 'requests'.");
            }
            else if (limit < 0)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Path("Allowances")}:{meter} is {limit}, which is negative. Write zero or more (0 refuses everything); leave the meter out to count it without a limit."));
            }
        }

        if (string.IsNullOrWhiteSpace(policy.TimeZone) || DateTimeZoneProviders.Tzdb.GetZoneOrNull(policy.TimeZone.Trim()) is null)
        {
            errors.Add($"{Path("TimeZone")} is '{policy.TimeZone}', which is not an IANA time zone id. Write one such as 'UTC', 'Europe/Berlin' or 'America/New_York'.");
        }

        if (!Enum.IsDefined(policy.AnchorMode))
        {
            errors.Add($"{Path("AnchorMode")} is '{policy.AnchorMode}', which is not an anchor mode. Write FirstUse (or first-api-call), Function or Calendar.");
        }
        else if (policy.AnchorMode == QuotaAnchorMode.Function && policy.AnchorProvider is null)
        {
            errors.Add($"{Path("AnchorMode")} is 'Function' but no AnchorProvider is set. Set it in code: AddPolicy(\"{name}\", p => p.AnchorProvider = (key, cancellationToken) => …) (e.g. the subscription's start), or write FirstUse or Calendar.");
        }
        else if (policy.AnchorMode != QuotaAnchorMode.Function && policy.AnchorProvider is not null)
        {
            errors.Add($"{Path("AnchorMode")} is '{policy.AnchorMode}', so the AnchorProvider set in code would never be called. Write Function to count cycles from it, or remove it.");
        }

        if (!Enum.IsDefined(policy.Enforcement))
        {
            errors.Add($"{Path("Enforcement")} is '{policy.Enforcement}', which is not an enforcement. Write Enforce or Shadow.");
        }

        if (!Enum.IsDefined(policy.FailureMode))
        {
            errors.Add($"{Path("FailureMode")} is '{policy.FailureMode}', which is not a failure mode. Write FailClosed or FailOpen.");
        }

        if (policy.StoreTimeout <= TimeSpan.Zero || policy.StoreTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Path("StoreTimeout")} is {Show(policy.StoreTimeout)}, which is out of range. Write a positive time of at most 5 minutes, e.g. '00:00:01'.");
        }

        if (policy.SubjectCacheDuration < TimeSpan.Zero)
        {
            errors.Add($"{Path("SubjectCacheDuration")} is {Show(policy.SubjectCacheDuration)}, which is negative. Write zero or more, e.g. '00:01:00'.");
        }

        CollectThresholds(policy, Path("Thresholds"), errors);
        CollectLease(options.PathOf("Policies", name, "Lease"), policy, errors);
    }

    private static void CollectLease(string path, QuotaPolicyOptions policy, List<string> errors)
    {
        var lease = policy.Lease;
        if (lease.SettleInterval < TimeSpan.FromMilliseconds(10) || lease.SettleInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{path}:SettleInterval is {Show(lease.SettleInterval)}, which is out of range. Write a time from '00:00:00.010' to '00:01:00', e.g. '00:00:01'.");
        }
        else if (lease.Lifetime < 3 * lease.SettleInterval || lease.Lifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"{path}:Lifetime is {Show(lease.Lifetime)}, which is out of range. Write at least three settle intervals ({Show(3 * lease.SettleInterval)}) and at most a day, e.g. '00:00:30'.");
        }

        if (lease.MaxBlock is < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:MaxBlock is {lease.MaxBlock}, which is not positive. Write a positive number of units, e.g. 1000, or leave it out to size blocks by demand."));
        }

        if (lease.Enabled && policy.Enforcement == QuotaEnforcement.Shadow)
        {
            errors.Add($"{path}:Enabled is true on a policy whose Enforcement is Shadow, which records every consume and refuses none, so it has nothing to lease. Remove Lease or write Enforce.");
        }
    }

    private static void CollectThresholds(QuotaPolicyOptions policy, string path, List<string> errors)
    {
        foreach (var (meter, percents) in policy.Thresholds ?? [])
        {
            if (string.IsNullOrWhiteSpace(meter))
            {
                errors.Add($"{path} has a meter with an empty name. Name it, e.g. 'requests'.");
                continue;
            }

            if (percents is null || percents.Count == 0)
            {
                errors.Add($"{path}:{meter} lists no threshold. Write percentages of the allowance, e.g. [80, 100], or leave the meter out.");
                continue;
            }

            foreach (var percent in percents)
            {
                if (percent <= 0)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:{meter} holds {percent}, which is not a positive percentage. Write whole percentages of the allowance, e.g. [80, 100]."));
                }
            }

            if (percents.Distinct().Count() != percents.Count)
            {
                errors.Add($"{path}:{meter} is [{string.Join(", ", percents)}], which names a threshold twice. Write each percentage once.");
            }

            if (!policy.Allowances.ContainsKey(meter) && policy.SubjectProvider is null)
            {
                errors.Add($"{path}:{meter} is a threshold of a meter without an allowance, so it would never be reached (a threshold is a share of the allowance). Add Allowances:{meter}, or remove it.");
            }
        }
    }

    private static void CollectAlerts(QuotaOptions options, List<string> errors)
    {
        var alerts = options.Alerts;
        if (alerts is null)
        {
            errors.Add($"{options.PathOf("Alerts")} is null. Leave it at its defaults, or set QueueCapacity, HandlerTimeout and ShutdownTimeout.");
            return;
        }

        if (alerts.QueueCapacity < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{options.PathOf("Alerts", "QueueCapacity")} is {alerts.QueueCapacity}, which is not positive. Write how many alerts may wait for delivery, e.g. 10000."));
        }

        if (alerts.HandlerTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{options.PathOf("Alerts", "HandlerTimeout")} is {Show(alerts.HandlerTimeout)}, which is not positive. Write how long a handler may take with one alert, e.g. '00:00:30'.");
        }

        if (alerts.ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add($"{options.PathOf("Alerts", "ShutdownTimeout")} is {Show(alerts.ShutdownTimeout)}, which is negative. Write zero or more, e.g. '00:00:05'.");
        }
    }

    /// <summary>
    /// The application's configuration has a Quota section with policies, but no section was given to <c>AddQuota</c>:
    /// every one of its settings would be ignored.
    /// </summary>
    private static string? UnreadSection(IConfiguration? configuration)
    {
        var section = configuration?.GetSection(QuotaConfigurationReader.DefaultSectionName);
        if (section is null || !section.GetSection("Policies").GetChildren().Any())
        {
            return null;
        }

        return $"The configuration has policies under {section.Path}:Policies, but services.AddQuota() was not given that section, so none of them would apply. "
            + $"Write services.AddQuota(configuration.GetSection(\"{section.Path}\")).";
    }

    private static string Show(TimeSpan value) => "'" + value.ToString("c", CultureInfo.InvariantCulture) + "'";
}
