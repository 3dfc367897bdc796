using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Quota;

/// <summary>The <see cref="IQuotaService"/>: resolves policy, subject, anchor and cycle, then makes one store call.</summary>
internal sealed partial class QuotaService : IQuotaService, IAsyncDisposable, IDisposable
{
    private readonly FrozenDictionary<string, PolicyRuntime> _policies;
    private readonly IQuotaStore _store;
    private readonly QuotaTimeSource _time;
    private readonly QuotaMetrics _metrics;
    private readonly StoreCallTelemetry _storeCalls;
    private readonly QuotaAlertDispatcher _alerts;
    private readonly TimeProvider _timeProvider;
    private PolicyRuntime? _lastPolicy;

    /// <param name="options">The policies.</param>
    /// <param name="store">Where usage lives.</param>
    /// <param name="clock">Decides "now" for cycles and expiry.</param>
    /// <param name="metrics">Counts decisions and amounts, and measures store calls.</param>
    /// <param name="alerts">Delivers the threshold alerts consumes and records reach.</param>
    /// <param name="timeProvider">Runs the timers of store calls' deadlines and leases' settles; the system's when <see langword="null"/>.</param>
    public QuotaService(IOptions<QuotaOptions> options, IQuotaStore store, IClock clock, QuotaMetrics metrics, QuotaAlertDispatcher alerts, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(alerts);

        // Reading Value runs the validator: an application without a host fails here, at first use, with every problem listed.
        var value = options.Value;
        var errors = QuotaOptionsValidator.Collect(value);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(QuotaOptions), errors);
        }

        _policies = value.Policies.ToFrozenDictionary(
            pair => pair.Key,
            pair => new PolicyRuntime(
                new QuotaPolicy(pair.Key, pair.Value, QuotaPeriod.Parse(pair.Value.Period!), DateTimeZoneProviders.Tzdb[pair.Value.TimeZone.Trim()]),
                value.MaxCachedSubjects,
                Duration.FromTimeSpan(value.ExpiredCounterRetention)),
            StringComparer.OrdinalIgnoreCase);
        Policies = _policies.Values.Select(r => r.Policy).ToArray();
        _store = store;
        _time = new QuotaTimeSource(clock, value.ClockReadInterval);
        _metrics = metrics;
        _storeCalls = new StoreCallTelemetry(metrics, store);
        _alerts = alerts;
        _timeProvider = timeProvider ?? TimeProvider.System;
        AttachLocalGrants(_timeProvider);
    }

    public IReadOnlyCollection<QuotaPolicy> Policies { get; }

    public QuotaPolicy GetPolicy(string policy) => Runtime(policy).Policy;

    public ValueTask<QuotaDecision> TryConsumeAsync(string policy, string key, CancellationToken cancellationToken = default)
    {
        var runtime = Runtime(policy);
        StoreArguments.ValidateSubject(runtime.Name, key);
        return runtime.LocalFastPath && TryConsumeLocal(runtime, key, cancellationToken, out var decision)
            ? new ValueTask<QuotaDecision>(decision)
            : ConsumeCoreAsync(runtime, new QuotaSubject(key), amounts: null, cancellationToken);
    }

    public ValueTask<QuotaDecision> TryConsumeAsync(string policy, string key, IReadOnlyDictionary<string, long> amounts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        return TryConsumeAsync(policy, new QuotaSubject(key), amounts, cancellationToken);
    }

    public ValueTask<QuotaDecision> TryConsumeAsync(string policy, QuotaSubject subject, IReadOnlyDictionary<string, long>? amounts, CancellationToken cancellationToken = default)
    {
        var runtime = Runtime(policy);
        ValidateSubject(runtime, subject);
        var decision = default(QuotaDecision);
        var fast = subject.Allowances is null && subject.Anchor is null && runtime.LocalFastPath
            && (amounts is null
                ? TryConsumeLocal(runtime, subject.Key, cancellationToken, out decision)
                : TryConsumeLocal(runtime, subject.Key, amounts, cancellationToken, out decision));
        return fast ? new ValueTask<QuotaDecision>(decision) : ConsumeCoreAsync(runtime, subject, amounts, cancellationToken);
    }

    public async ValueTask<bool> RecordAsync(string policy, QuotaSubject subject, IReadOnlyDictionary<string, long> amounts, string? idempotencyId = null, CancellationToken cancellationToken = default)
    {
        var runtime = Runtime(policy);
        ValidateSubject(runtime, subject);
        ArgumentNullException.ThrowIfNull(amounts);
        StoreArguments.ValidateIdempotencyId(idempotencyId);
        var now = _time.Exact();
        var resolved = await ResolveAsync(runtime, subject, now, setAnchor: true, cancellationToken).ConfigureAwait(false);
        var deltas = ToUnlimited(QuotaDeltas.Build(resolved.Allowances, amounts), amounts.Count);
        var counter = new QuotaCounterKey(runtime.Name, resolved.Key, resolved.Cycle.Start);
        var expiresAt = resolved.Box.ExpiresAt;
        var result = await StoreAsync(runtime, StoreOperation.Add, token => _store.AddAsync(counter, deltas, expiresAt, idempotencyId, token), cancellationToken).ConfigureAwait(false);
        if (result.Applied)
        {
            _metrics.Counted(runtime.Name, deltas);
            if (runtime.ConsumeThresholds is not null)
            {
                WatchThresholds(runtime, resolved.Key, resolved.Box, now.ToUnixTimeTicks(), WithAllowances(deltas, resolved.Allowances, result.Granted), result.Values);
            }
            else if (runtime.Thresholds is not null)
            {
                runtime.Local?.OnRecorded(resolved.Box, counter, resolved.Allowances);
            }
        }

        return result.Applied;
    }

    public async ValueTask RefundAsync(string policy, QuotaSubject subject, IReadOnlyDictionary<string, long>? amounts = null, QuotaCycle? cycle = null, CancellationToken cancellationToken = default)
    {
        var runtime = Runtime(policy);
        ValidateSubject(runtime, subject);
        var now = _time.Exact();
        var resolved = await ResolveAsync(runtime, subject, now, setAnchor: false, cancellationToken).ConfigureAwait(false);
        var deltas = amounts is null
            ? [new QuotaMeterDelta(QuotaDeltas.RequestsMeter, 1)]
            : ToUnlimited(QuotaDeltas.Build(resolved.Allowances, amounts), amounts.Count);
        var counter = new QuotaCounterKey(runtime.Name, resolved.Key, (cycle ?? resolved.Cycle).Start);
        await StoreAsync(runtime, StoreOperation.Subtract, token => _store.SubtractAsync(counter, deltas, token), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<QuotaUsage> GetUsageAsync(string policy, QuotaSubject subject, CancellationToken cancellationToken = default)
    {
        var runtime = Runtime(policy);
        ValidateSubject(runtime, subject);
        var now = _time.Exact();
        var resolved = await ResolveAsync(runtime, subject, now, setAnchor: false, cancellationToken).ConfigureAwait(false);
        return await ReadUsageAsync(runtime, resolved, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask ResetAsync(string policy, QuotaSubject subject, CancellationToken cancellationToken = default)
    {
        var runtime = Runtime(policy);
        ValidateSubject(runtime, subject);
        var now = _time.Exact();
        var resolved = await ResolveAsync(runtime, subject, now, setAnchor: false, cancellationToken).ConfigureAwait(false);
        var counter = new QuotaCounterKey(runtime.Name, resolved.Key, resolved.Cycle.Start);
        await StoreAsync(runtime, StoreOperation.Reset, token => _store.ResetAsync(counter, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The general path, behind the local fast path: it reads the clock, and when the subject is cached, grants locally
    /// (caching the subject's local counter on its cycle, for the fast path's next consume) or, when the store answers
    /// synchronously, decides without an async state machine and without allocating.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<QuotaDecision> ConsumeCoreAsync(PolicyRuntime runtime, QuotaSubject subject, IReadOnlyDictionary<string, long>? amounts, CancellationToken cancellationToken)
    {
        var now = _time.Exact();
        if (runtime.Policy.Enforcement != QuotaEnforcement.Enforce || !TryResolveCached(runtime, subject, now, out var resolved))
        {
            return ConsumeSlowAsync(runtime, subject, amounts, now, cancellationToken);
        }

        var deltas = amounts is null ? resolved.DefaultDeltas : QuotaDeltas.Build(resolved.Allowances, amounts);
        var counter = new QuotaCounterKey(runtime.Name, resolved.Key, resolved.Cycle.Start);
        var local = resolved.OwnsBox ? runtime.Local : null;
        if (local is not null)
        {
            try
            {
                if (local.TryConsume(resolved.Box, counter, deltas, cancellationToken, out var granted))
                {
                    return new ValueTask<QuotaDecision>(Decide(runtime, resolved, now, deltas, granted));
                }
            }
            catch (Exception ex) when (AsStoreFailure(runtime, ex, cancellationToken) is { } failure)
            {
                return new ValueTask<QuotaDecision>(Failed(runtime, resolved.Key, resolved.Box, now, failure));
            }
        }

        var deadline = StartDeadline(runtime, StoreOperation.TryAdd, cancellationToken);
        ValueTask<QuotaStoreResult> call;
        try
        {
            call = _store.TryAddAsync(counter, deltas, resolved.Box.ExpiresAt, deadline.Token);
            if (call.IsCompletedSuccessfully)
            {
                var result = call.Result;
                deadline.Dispose();
                local?.OnStoreAnswer(resolved.Box, deltas, result);
                return new ValueTask<QuotaDecision>(Decide(runtime, resolved, now, deltas, result));
            }
        }
        catch (Exception ex)
        {
            deadline.Fail(ex);
            var failure = AsStoreFailure(runtime, ex, cancellationToken, deadline.Expired);
            deadline.Dispose();
            if (failure is null)
            {
                throw;
            }

            return new ValueTask<QuotaDecision>(Failed(runtime, resolved.Key, resolved.Box, now, failure));
        }

        deadline.Arm(call.IsCompleted, runtime.Policy.StoreTimeout, _timeProvider);
        return FinishConsumeAsync(runtime, resolved, now, deltas, call, local, deadline);
    }

    // Not inlined: an async method's state machine lives in its caller's frame, and the hot path's frame would zero it on every call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<QuotaDecision> FinishConsumeAsync(PolicyRuntime runtime, Resolved resolved, Instant now, QuotaMeterDelta[] deltas, ValueTask<QuotaStoreResult> call, LocalGrants? local, StoreDeadline deadline)
    {
        QuotaStoreResult result;
        try
        {
            result = await call.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            deadline.Fail(ex);
            if (AsStoreFailure(runtime, ex, deadline.Caller, deadline.Expired) is not { } failure)
            {
                throw;
            }

            return Failed(runtime, resolved.Key, resolved.Box, now, failure);
        }
        finally
        {
            deadline.Dispose();
        }

        local?.OnStoreAnswer(resolved.Box, deltas, result);
        return Decide(runtime, resolved, now, deltas, result);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async ValueTask<QuotaDecision> ConsumeSlowAsync(PolicyRuntime runtime, QuotaSubject subject, IReadOnlyDictionary<string, long>? amounts, Instant now, CancellationToken cancellationToken)
    {
        var policy = runtime.Policy;
        Resolved resolved;
        try
        {
            resolved = await ResolveAsync(runtime, subject, now, setAnchor: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (AsStoreFailure(runtime, ex, cancellationToken) is { } failure)
        {
            // The anchor could not be read: the cycle is unknown, so report one counted from now.
            return Failed(runtime, subject.Key, runtime.NewCycle(now, now), now, failure);
        }

        var deltas = amounts is null ? resolved.DefaultDeltas : QuotaDeltas.Build(resolved.Allowances, amounts);
        var counter = new QuotaCounterKey(runtime.Name, resolved.Key, resolved.Cycle.Start);
        var expiresAt = resolved.Box.ExpiresAt;
        try
        {
            if (policy.Enforcement == QuotaEnforcement.Shadow)
            {
                var added = await StoreAsync(runtime, StoreOperation.Add, token => _store.AddAsync(counter, deltas, expiresAt, null, token), cancellationToken).ConfigureAwait(false);
                deltas = QuotaDeltas.WithGranted(deltas, added.Granted);
                var over = FirstOver(deltas, added.Values);
                var outcome = over >= 0 ? QuotaOutcome.ShadowRefused : QuotaOutcome.Allowed;
                _metrics.Decided(runtime.Name, outcome, deltas, over >= 0 ? deltas[over].Meter : null);
                if (runtime.ConsumeThresholds is not null)
                {
                    WatchThresholds(runtime, resolved.Key, resolved.Box, now.ToUnixTimeTicks(), deltas, added.Values);
                }

                return new QuotaDecision(outcome, policy, resolved.Key, resolved.Box, now.ToUnixTimeTicks(), deltas, added.Values, over);
            }

            var result = await StoreAsync(runtime, StoreOperation.TryAdd, token => _store.TryAddAsync(counter, deltas, expiresAt, token), cancellationToken).ConfigureAwait(false);
            runtime.Local?.OnStoreAnswer(resolved.Box, deltas, result);
            return Decide(runtime, resolved, now, deltas, result);
        }
        catch (Exception ex) when (AsStoreFailure(runtime, ex, cancellationToken) is { } failure)
        {
            return Failed(runtime, resolved.Key, resolved.Box, now, failure);
        }
    }

    private QuotaDecision Decide(PolicyRuntime runtime, in Resolved resolved, Instant now, QuotaMeterDelta[] deltas, QuotaStoreResult result)
        => Decide(runtime, resolved.Key, resolved.Box, now.ToUnixTimeTicks(), deltas, result);

    private QuotaDecision Decide(PolicyRuntime runtime, string key, CycleBox box, long nowTicks, QuotaMeterDelta[] deltas, QuotaStoreResult result)
        => result.HasGranted || runtime.ConsumeThresholds is not null
            ? DecideWatched(runtime, key, box, nowTicks, deltas, result)
            : Conclude(runtime, key, box, nowTicks, deltas, result);

    /// <summary>
    /// <see cref="Decide(PolicyRuntime, string, CycleBox, long, QuotaMeterDelta[], QuotaStoreResult)"/> for a counter that
    /// holds grants or a policy with thresholds. Kept out of line: inside the common consume's path it made a one-meter
    /// consume half as slow again (measured in benchmarks/README.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private QuotaDecision DecideWatched(PolicyRuntime runtime, string key, CycleBox box, long nowTicks, QuotaMeterDelta[] deltas, QuotaStoreResult result)
    {
        // The store compared against allowance plus grants: so do the decision's limits and remaining.
        deltas = result.HasGranted ? QuotaDeltas.WithGranted(deltas, result.Granted) : deltas;
        if (result.Applied && runtime.ConsumeThresholds is not null)
        {
            WatchThresholds(runtime, key, box, nowTicks, deltas, result.Values);
        }

        return Conclude(runtime, key, box, nowTicks, deltas, result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private QuotaDecision Conclude(PolicyRuntime runtime, string key, CycleBox box, long nowTicks, QuotaMeterDelta[] deltas, QuotaStoreResult result)
    {
        var outcome = result.Applied ? QuotaOutcome.Allowed : QuotaOutcome.Refused;
        _metrics.Decided(runtime.Name, outcome, deltas, result.Applied ? null : deltas[result.RefusedIndex].Meter);
        return new QuotaDecision(outcome, runtime.Policy, key, box, nowTicks, deltas, result.Values, result.RefusedIndex);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private QuotaDecision Failed(PolicyRuntime runtime, string key, CycleBox cycle, Instant now, QuotaStoreException failure)
    {
        var policy = runtime.Policy;
        var outcome = policy.FailureMode == QuotaFailureMode.FailOpen ? QuotaOutcome.FailedOpen : QuotaOutcome.FailedClosed;
        _metrics.Failed(runtime.Name, outcome, failure);
        return new QuotaDecision(outcome, policy, key, cycle, now.ToUnixTimeTicks(), [], default, -1, failure);
    }

    private static int FirstOver(QuotaMeterDelta[] deltas, QuotaCounterValues after)
    {
        for (var i = 0; i < deltas.Length; i++)
        {
            if (!deltas[i].Fits(after[i] - deltas[i].Amount))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Keeps the first <paramref name="count"/> deltas (the caller's meters) and drops their limits.</summary>
    private static QuotaMeterDelta[] ToUnlimited(QuotaMeterDelta[] deltas, int count)
    {
        var result = new QuotaMeterDelta[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = deltas[i] with { Limit = null };
        }

        return result;
    }

    private PolicyRuntime Runtime(string policy)
    {
        // Callers usually pass the same string instance (a literal) for a policy: remember the last one by reference.
        var last = _lastPolicy;
        if (last is not null && ReferenceEquals(last.LastName, policy))
        {
            return last;
        }

        if (policy is not null && _policies.TryGetValue(policy, out var runtime))
        {
            // Only a string that names this runtime is ever stored on it, so a racing reader can never get the wrong policy.
            if (!ReferenceEquals(runtime.LastName, policy))
            {
                runtime.LastName = policy;
            }

            if (!ReferenceEquals(last, runtime))
            {
                _lastPolicy = runtime;
            }

            return runtime;
        }

        throw UnknownPolicy(policy);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ArgumentException UnknownPolicy(string? policy)
    {
        if (string.IsNullOrEmpty(policy))
        {
            return new ArgumentException("Pass the policy's name, e.g. \"api-monthly\".", nameof(policy));
        }

        var known = _policies.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", _policies.Keys.Order(StringComparer.Ordinal).Select(k => $"'{k}'"));
        return new ArgumentException($"No quota policy is named '{policy}' ({known}). Add it with services.AddQuota().AddPolicy(\"{policy}\", …) or under Quota:Policies:{policy} in configuration.", nameof(policy));
    }

    private static void ValidateSubject(PolicyRuntime runtime, QuotaSubject subject)
    {
        StoreArguments.ValidateSubject(runtime.Name, subject.Key);
        if (subject.Allowances is { } allowances)
        {
            foreach (var (meter, limit) in allowances)
            {
                if (string.IsNullOrEmpty(meter) || limit < 0)
                {
                    throw new ArgumentException($"The subject's allowance '{meter}' = {limit} is invalid. Name every meter and give it a limit of zero or more.", nameof(subject));
                }
            }
        }
    }
}
