namespace Quota;

/// <summary>
/// Threshold alerts of a leased policy, watched from what is spent: a consume granted from a block only reports a view
/// that counts other instances' unspent blocks as used, so alerts are raised from the store's answers instead, where
/// what every instance and caller has spent is known (the meter's value less the units live leases hold). Each lease
/// call (a top-up, or the settle every interval) checks it, so an alert is raised at most one settle interval after the
/// units that reached the threshold were reported spent; never before.
/// </summary>
internal sealed partial class LeaseGrants
{
    public override bool WatchesThresholds => true;

    /// <summary>Checks a lease call's answer: each limited meter's spent total against its thresholds of allowance plus grants.</summary>
    public void WatchThresholds(CycleBox box, in QuotaCounterKey counter, ReadOnlySpan<QuotaLeaseDelta> deltas, in QuotaLeaseResult answer)
    {
        if (_runtime.Thresholds is null)
        {
            return;
        }

        for (var i = 0; i < deltas.Length; i++)
        {
            if (deltas[i].Limit is { } allowance)
            {
                Watch(box, counter, deltas[i].Meter, QuotaMeterDelta.PlusGranted(allowance, answer.Granted[i]), answer.Values[i] - answer.Reserved[i]);
            }
        }
    }

    /// <summary>
    /// A record went to the store: an open lease's next call sees it (within a settle interval); without one, the counter
    /// is read once, in the background, so a record alone still raises its alerts.
    /// </summary>
    public override void OnRecorded(CycleBox box, in QuotaCounterKey counter, IReadOnlyDictionary<string, long> allowances)
    {
        if (_runtime.Thresholds is null || (_leases.TryGetValue(counter, out var lease) && !lease.Closed))
        {
            return;
        }

        _ = WatchByReadAsync(box, counter, allowances);
    }

    private async Task WatchByReadAsync(CycleBox box, QuotaCounterKey counter, IReadOnlyDictionary<string, long> allowances)
    {
        try
        {
            using var deadline = new CancellationTokenSource(_runtime.Policy.StoreTimeout, Timer);
            var snapshot = (await Store.ReadCountersAsync([counter], deadline.Token).ConfigureAwait(false))[0];
            foreach (var (meter, allowance) in allowances)
            {
                var spent = snapshot.Meters.GetValueOrDefault(meter) - snapshot.Reserved.GetValueOrDefault(meter);
                Watch(box, counter, meter, QuotaMeterDelta.PlusGranted(allowance, snapshot.Granted.GetValueOrDefault(meter)), spent);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing is taken as reached: the next lease call or record of the counter checks again. Counted as a lease failure.
            CountFailure();
        }
    }

    /// <summary>Queues the alert of each threshold of <paramref name="meter"/> that <paramref name="spent"/> reached and this instance had not seen reached.</summary>
    private void Watch(CycleBox box, in QuotaCounterKey counter, string meter, long limit, long spent)
    {
        var index = Array.IndexOf(_runtime.ThresholdMeters, meter);
        if (index < 0)
        {
            return;
        }

        var percents = _runtime.Thresholds![meter];
        var reached = box.LeaseThresholds(_runtime.ThresholdMeters.Length);
        var seen = Volatile.Read(ref reached[index]);
        var now = seen;
        while (now < percents.Count && QuotaService.Level(limit, percents[now]) <= spent)
        {
            now++;
        }

        // Another call of this instance that raced this one queues them instead; the store's mark keeps each once anyway.
        if (now == seen || Interlocked.CompareExchange(ref reached[index], now, seen) != seen)
        {
            return;
        }

        var at = _time.Exact();
        for (var i = seen; i < now; i++)
        {
            _alerts.Enqueue(new PendingAlert(counter, meter, percents[i], spent, limit, box.Anchor, box.Cycle, at, box.ExpiresAt, _runtime.Policy.StoreTimeout));
        }
    }
}
