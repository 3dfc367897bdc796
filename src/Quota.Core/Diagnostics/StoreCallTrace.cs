using System.Diagnostics;

namespace Quota;

/// <summary>
/// One observed store call: its start time and, when sampled, its span — a child of the caller's current activity, and
/// the parent of whatever the store's own client traces (a Redis command, say).
/// </summary>
/// <remarks>
/// Starting the span makes it <see cref="Activity.Current"/>. The service starts store calls in methods that are not
/// <c>async</c>, so that setting would leak to their caller when a call goes on asynchronously: <see cref="Detach"/>
/// gives the caller back its own current activity once the store has taken the call.
/// </remarks>
internal sealed class StoreCallTrace
{
    private readonly StoreCallTelemetry _telemetry;
    private readonly string _policy;
    private readonly string _operation;
    private readonly long _started;
    private readonly Activity? _activity;
    private readonly Activity? _previous;
    private string? _errorType;
    private string? _errorMessage;

    public StoreCallTrace(StoreCallTelemetry telemetry, string policy, string operation)
    {
        _telemetry = telemetry;
        _policy = policy;
        _operation = operation;
        _previous = Activity.Current;
        var system = telemetry.DatabaseSystem;
        if (StoreCallTelemetry.Source.HasListeners())
        {
            // The conventions' database span name, "{db.operation.name} {target}", with the policy as the target.
            KeyValuePair<string, object?>[] tags = system is null
                ? [new("db.operation.name", operation), new("quota.policy", policy)]
                : [new("db.system.name", system), new("db.operation.name", operation), new("quota.policy", policy)];
            _activity = StoreCallTelemetry.Source.StartActivity(
                system is null ? ActivityKind.Internal : ActivityKind.Client,
                tags: tags,
                name: operation + " " + policy);
        }

        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>Notes that the call failed; <see cref="Stop"/> then reports it.</summary>
    /// <param name="error">What the call threw.</param>
    /// <param name="timedOut">Whether the call ran past its deadline (rather than the caller cancelling it).</param>
    public void Fail(Exception error, bool timedOut)
    {
        _errorType = timedOut ? QuotaDiagnostics.TimeoutErrorType : QuotaDiagnostics.ErrorType(error);
        if (_activity is { IsAllDataRequested: true })
        {
            _errorMessage = error.Message;
            _activity.AddException(error);
        }
    }

    /// <summary>Gives the caller back the current activity it had before the call, while the call goes on.</summary>
    public void Detach()
    {
        if (_activity is not null && ReferenceEquals(Activity.Current, _activity))
        {
            Activity.Current = _previous;
        }
    }

    /// <summary>Records the call's duration and ends its span.</summary>
    public void Stop()
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        if (_telemetry.Duration.Enabled)
        {
            var tags = new TagList
            {
                { "quota.policy", _policy },
                { "db.operation.name", _operation },
            };
            if (_telemetry.DatabaseSystem is { } system)
            {
                tags.Add("db.system.name", system);
            }

            if (_errorType is not null)
            {
                tags.Add("error.type", _errorType);
            }

            _telemetry.Duration.Record(elapsed.TotalSeconds, tags);
        }

        if (_activity is not null)
        {
            if (_errorType is not null)
            {
                _activity.SetTag("error.type", _errorType);
                _activity.SetStatus(ActivityStatusCode.Error, _errorMessage);
            }

            _activity.Stop();
        }
    }
}
