using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Quota.Tests.Support;
using static Quota.Tests.Service.ServiceFactory;
using IMeterFactory = System.Diagnostics.Metrics.IMeterFactory;

namespace Quota.Tests.Diagnostics;

/// <summary>
/// Quota.Core's instruments, read through <see cref="MetricCollector{T}"/> on the test's own <see cref="IMeterFactory"/>
/// (so tests running at once never see each other's measurements): names, units and attributes as the README's table says.
/// </summary>
public sealed class QuotaMetricsTests : IDisposable
{
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);
    private readonly List<IDisposable> _disposables = [];
    private MetricCollector<long> _decisions = null!;
    private MetricCollector<long> _amount = null!;
    private MetricCollector<double> _storeCalls = null!;

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Fact]
    public async Task Every_decision_is_counted_by_outcome_with_the_meter_that_refused()
    {
        var quota = Start(q => q
            .AddPolicy("metered", p => { p.Period = "daily"; p.Allowances["requests"] = 1; })
            .AddPolicy("shadowed", p => { p.Period = "daily"; p.Allowances["requests"] = 0; p.Enforcement = QuotaEnforcement.Shadow; }));

        await quota.TryConsumeAsync("metered", "alice");
        await quota.TryConsumeAsync("metered", "alice");
        await quota.TryConsumeAsync("shadowed", "alice", Amounts(("requests", 1), ("tokens", 7)));

        Assert.Equal(
            [
                "metered allowed -",
                "metered refused requests",
                "shadowed shadow_refused requests",
            ],
            _decisions.GetMeasurementSnapshot().Select(m => $"{m.Tags["quota.policy"]} {m.Tags["quota.outcome"]} {m.Tags.GetValueOrDefault("quota.meter") ?? "-"}").Order(StringComparer.Ordinal));
        Assert.All(_decisions.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));

        // Allowed and shadow-refused consumes counted their amounts; the refused one counted nothing.
        Assert.Equal(
            ["metered requests 1", "shadowed requests 1", "shadowed tokens 7"],
            _amount.GetMeasurementSnapshot().Select(m => $"{m.Tags["quota.policy"]} {m.Tags["quota.meter"]} {m.Value}").Order(StringComparer.Ordinal));
        Assert.Equal("{decision}", _decisions.Instrument!.Unit);
        Assert.Equal("{amount}", _amount.Instrument!.Unit);
    }

    [Fact]
    public async Task A_failing_store_is_a_failed_decision_and_a_failed_call_named_by_error_type()
    {
        var quota = Start(
            q => q.AddPolicy("api", p => { p.Period = "daily"; p.AnchorMode = QuotaAnchorMode.Calendar; p.Allowances["requests"] = 5; p.FailureMode = QuotaFailureMode.FailOpen; p.StoreTimeout = TimeSpan.FromSeconds(30); }),
            new FailingAddStore(new InMemoryQuotaStore(_clock)));

        var decision = await quota.TryConsumeAsync("api", "alice");

        Assert.Equal(QuotaOutcome.FailedOpen, decision.Outcome);
        var failed = Assert.Single(_decisions.GetMeasurementSnapshot());
        Assert.Equal("failed_open", failed.Tags["quota.outcome"]);
        Assert.Equal("System.IO.IOException", failed.Tags["error.type"]);
        var call = Assert.Single(_storeCalls.GetMeasurementSnapshot());
        Assert.Equal("TryAdd", call.Tags["db.operation.name"]);
        Assert.Equal("System.IO.IOException", call.Tags["error.type"]);
        Assert.Empty(_amount.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task A_store_call_past_its_deadline_has_error_type_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var quota = Start(
            q => q.UseTimeProvider(time).AddPolicy("api", p => { p.Period = "daily"; p.AnchorMode = QuotaAnchorMode.Calendar; p.Allowances["requests"] = 5; p.StoreTimeout = TimeSpan.FromSeconds(1); }),
            new FailingAddStore(new InMemoryQuotaStore(_clock), hang: true));

        var call = quota.TryConsumeAsync("api", "alice").AsTask();
        time.Advance(TimeSpan.FromSeconds(1));
        var decision = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(QuotaOutcome.FailedClosed, decision.Outcome);
        Assert.Equal("timeout", Assert.Single(_decisions.GetMeasurementSnapshot()).Tags["error.type"]);
        var measured = Assert.Single(_storeCalls.GetMeasurementSnapshot());
        Assert.Equal("timeout", measured.Tags["error.type"]);
        Assert.True(measured.Value > 0);
    }

    [Fact]
    public async Task Store_calls_are_measured_in_seconds_by_operation_and_database()
    {
        var quota = Start(
            q => q.AddPolicy("api", p => { p.Period = "daily"; p.AnchorMode = QuotaAnchorMode.FirstUse; p.Allowances["requests"] = 5; }),
            new NamedDatabaseStore(new InMemoryQuotaStore(_clock), "testdb"));

        await quota.TryConsumeAsync("api", "alice");
        await quota.RefundAsync("api", "alice");

        Assert.Equal("s", _storeCalls.Instrument!.Unit);
        Assert.Equal(
            ["api GetOrSetAnchor testdb", "api Subtract testdb", "api TryAdd testdb"],
            _storeCalls.GetMeasurementSnapshot().Select(m => $"{m.Tags["quota.policy"]} {m.Tags["db.operation.name"]} {m.Tags["db.system.name"]}").Order(StringComparer.Ordinal));
        Assert.All(_storeCalls.GetMeasurementSnapshot(), m =>
        {
            Assert.False(m.Tags.ContainsKey("error.type"));
            Assert.InRange(m.Value, 0, 30);
        });
    }

    [Fact]
    public async Task The_in_memory_fast_path_makes_no_store_call_to_measure()
    {
        var quota = Start(q => q.AddPolicy("api", p => { p.Period = "daily"; p.AnchorMode = QuotaAnchorMode.FirstUse; p.Allowances["requests"] = 1000; }));

        await quota.TryConsumeAsync("api", "alice");
        var first = _storeCalls.GetMeasurementSnapshot();
        for (var i = 0; i < 100; i++)
        {
            await quota.TryConsumeAsync("api", "alice");
        }

        // The first consume took the general path: it stored the subject's anchor, then added (no db.system.name: the
        // in-memory store is no database). The next hundred took the fast path, which calls no store.
        Assert.Equal(["GetOrSetAnchor", "TryAdd"], first.Select(m => (string)m.Tags["db.operation.name"]!));
        Assert.All(first, m => Assert.False(m.Tags.ContainsKey("db.system.name")));
        Assert.Equal(2, _storeCalls.GetMeasurementSnapshot().Count);
        Assert.Equal(101, _decisions.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task An_add_past_long_MaxValue_is_neither_a_decision_nor_a_store_failure()
    {
        var quota = Start(q => q.AddPolicy("overflowing", p =>
        {
            p.Period = "daily";
            p.FailureMode = QuotaFailureMode.FailOpen;
            p.Allowances["requests"] = 10;
        }));
        await quota.TryConsumeAsync("overflowing", "alice", Amounts(("requests", 1), ("bytes", long.MaxValue)));
        var decisions = _decisions.GetMeasurementSnapshot().Count;
        var amounts = _amount.GetMeasurementSnapshot().Count;

        await Assert.ThrowsAsync<QuotaOverflowException>(async () => await quota.TryConsumeAsync("overflowing", "alice", Amounts(("requests", 1), ("bytes", 1))));
        await Assert.ThrowsAsync<QuotaOverflowException>(async () => await quota.RecordAsync("overflowing", "alice", Amounts(("bytes", 1))));

        Assert.Equal(decisions, _decisions.GetMeasurementSnapshot().Count);
        Assert.Equal(amounts, _amount.GetMeasurementSnapshot().Count);
    }

    /// <summary>Builds the service the way an application does, with collectors on its own meter factory.</summary>
    private IQuotaService Start(Action<QuotaBuilder> configure, IQuotaStore? store = null)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(_clock);
        var builder = services.AddQuota();
        configure(builder);
        if (store is not null)
        {
            builder.UseStore(_ => store);
        }

        var provider = services.BuildServiceProvider();
        _disposables.Add(provider);
        var factory = provider.GetRequiredService<IMeterFactory>();
        _decisions = Collect<long>(factory, QuotaDiagnostics.DecisionsName);
        _amount = Collect<long>(factory, QuotaDiagnostics.AmountName);
        _storeCalls = Collect<double>(factory, QuotaDiagnostics.StoreCallDurationName);
        return provider.GetRequiredService<IQuotaService>();
    }

    private MetricCollector<T> Collect<T>(IMeterFactory factory, string instrument)
        where T : struct
    {
        var collector = new MetricCollector<T>(factory, QuotaDiagnostics.MeterName, instrument);
        _disposables.Add(collector);
        return collector;
    }
}
