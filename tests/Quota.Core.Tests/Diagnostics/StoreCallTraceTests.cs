using NodaTime.Testing;
using System.Diagnostics;
using Quota.Tests.Support;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Diagnostics;

/// <summary>
/// Store calls as spans of the <c>Quota</c> activity source: children of the caller's activity, named and tagged as
/// OpenTelemetry's database conventions say, marked as errors when they fail, and none on the in-memory fast path.
/// </summary>
public sealed class StoreCallTraceTests : IDisposable
{
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);
    private readonly SpanRecorder _spans = new();

    public void Dispose() => _spans.Dispose();

    [Fact]
    public async Task A_store_call_is_a_client_span_under_the_callers_activity_which_the_caller_keeps()
    {
        var store = new AnswerLaterStore(new InMemoryQuotaStore(_clock), "testdb");
        var quota = Create(_clock, q => q.AddPolicy("traced-later", p => { p.Period = "daily"; p.AnchorMode = QuotaAnchorMode.Calendar; p.Allowances["requests"] = 5; }), store);
        using var request = new Activity("request").Start();

        var pending = quota.TryConsumeAsync("traced-later", "alice");

        // The call goes on in the store; the caller's own activity is still its current one.
        Assert.False(pending.IsCompleted);
        Assert.Same(request, Activity.Current);
        store.Release();
        Assert.True((await pending).IsAllowed);

        var span = Assert.Single(Spans("traced-later"));
        Assert.Equal("TryAdd traced-later", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(request.TraceId, span.TraceId);
        Assert.Equal(request.SpanId, span.ParentSpanId);
        Assert.Equal("testdb", span.GetTagItem("db.system.name"));
        Assert.Equal("TryAdd", span.GetTagItem("db.operation.name"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task A_failed_store_call_is_an_error_span_with_its_error_type_and_exception()
    {
        var quota = Create(
            _clock,
            q => q.AddPolicy("traced-failing", p => { p.Period = "daily"; p.AnchorMode = QuotaAnchorMode.Calendar; p.Allowances["requests"] = 5; p.StoreTimeout = TimeSpan.FromSeconds(30); }),
            new FailingAddStore(new InMemoryQuotaStore(_clock)));
        using var request = new Activity("request").Start();

        var decision = await quota.TryConsumeAsync("traced-failing", "alice");

        Assert.Equal(QuotaOutcome.FailedClosed, decision.Outcome);
        Assert.Same(request, Activity.Current);
        var span = Assert.Single(Spans("traced-failing"));
        Assert.Equal(ActivityKind.Internal, span.Kind);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("The disk is on fire.", span.StatusDescription);
        Assert.Equal("System.IO.IOException", span.GetTagItem("error.type"));
        var exception = Assert.Single(span.Events);
        Assert.Equal("exception", exception.Name);
    }

    [Fact]
    public async Task A_call_that_answers_at_once_leaves_the_caller_its_activity_and_the_fast_path_traces_nothing()
    {
        var quota = Create(_clock, q => q.AddPolicy("traced-memory", p => { p.Period = "daily"; p.AnchorMode = QuotaAnchorMode.FirstUse; p.Allowances["requests"] = 1000; }));
        using var request = new Activity("request").Start();

        await quota.TryConsumeAsync("traced-memory", "alice");
        Assert.Same(request, Activity.Current);
        var first = Spans("traced-memory");
        for (var i = 0; i < 100; i++)
        {
            await quota.TryConsumeAsync("traced-memory", "alice");
        }

        Assert.Equal(["GetOrSetAnchor traced-memory", "TryAdd traced-memory"], first.Select(s => s.DisplayName));
        Assert.All(first, s => Assert.Null(s.GetTagItem("db.system.name")));
        Assert.Equal(2, Spans("traced-memory").Length);
    }

    /// <summary>The stopped spans of one policy (the listener hears every test running at once).</summary>
    private Activity[] Spans(string policy) => [.. _spans.Stopped.Where(a => (string?)a.GetTagItem("quota.policy") == policy)];
}
