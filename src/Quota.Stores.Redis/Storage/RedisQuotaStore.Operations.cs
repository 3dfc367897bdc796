using System.Buffers.Text;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using NodaTime;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore
{
    /// <summary>How many subjects' places in their listing index this process remembers.</summary>
    private const int IndexedSubjects = 100_000;

    private static readonly byte[] GrantFieldPrefix = "g:"u8.ToArray();

    private readonly RedisSubjectIndex _indexed = new(IndexedSubjects);

    /// <inheritdoc />
    public async ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateGrant(counter, grant, maxTotal);
        cancellationToken.ThrowIfCancellationRequested();

        // ARGV: now, expiresAt, TTL, the meter's grant field, amount, room left for the total, the record (see grant.lua).
        var args = new RedisValue[7];
        ExpiryArguments(args, expiresAt);
        args[3] = (byte[])[.. GrantFieldPrefix, .. LosslessUtf8.GetBytes(grant.Meter)];
        args[4] = grant.Amount;
        args[5] = maxTotal - grant.Amount;
        args[6] = RedisGrantRecord.Encode(grant);
        var indexing = Index(counter.Policy, counter.Key);
        var reply = (RedisResult[])(await EvaluateAsync(RedisScript.Grant, _counterKeys.Get(counter), args, cancellationToken).ConfigureAwait(false))!;
        await indexing.ConfigureAwait(false);
        return new QuotaGrantResult((int)reply[0] == 1, (long)reply[1]);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateAlert(counter, alert);
        cancellationToken.ThrowIfCancellationRequested();

        // ARGV: now, expiresAt, TTL, the mark's field 'a:{percent}:{meter}', when it fired (see mark_alert.lua).
        var args = new RedisValue[5];
        ExpiryArguments(args, expiresAt);
        args[3] = (byte[])[.. Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"a:{alert.Percent}:")), .. LosslessUtf8.GetBytes(alert.Meter)];
        args[4] = alert.FiredAt.ToUnixTimeTicks();
        var indexing = Index(counter.Policy, counter.Key);
        var marked = (int)(await EvaluateAsync(RedisScript.MarkAlert, _counterKeys.Get(counter), args, cancellationToken).ConfigureAwait(false)) == 1;
        await indexing.ConfigureAwait(false);
        return marked;
    }

    /// <inheritdoc />
    /// <remarks>One <c>HGETALL</c> per counter (everything a counter holds is in its hash), all sent at once.</remarks>
    public async ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateCounters(counters);
        cancellationToken.ThrowIfCancellationRequested();
        if (counters.Count == 0)
        {
            return [];
        }

        var database = Database() ?? await ConnectedAsync(cancellationToken).ConfigureAwait(false);

        // Keys built here, not through the hot path's cache: a listing's thousands of counters would only push out
        // the counters being consumed.
        var reads = new Task<HashEntry[]>[counters.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            reads[i] = database.HashGetAllAsync(_keys.CounterKeys(counters[i])[0]);
        }

        var hashes = await WaitAsync(Task.WhenAll(reads), cancellationToken).ConfigureAwait(false);
        var now = NowMilliseconds();
        var snapshots = new QuotaCounterSnapshot[hashes.Length];
        for (var i = 0; i < snapshots.Length; i++)
        {
            snapshots[i] = Snapshot(counters[i], hashes[i], now);
        }

        return snapshots;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Subjects come from the policy's listing index, a sorted set the store adds each subject to on its first write
    /// in a process (anchor, add, grant or mark; <c>ZADD NX</c>, sent beside the write), in the order of their keys'
    /// generalized UTF-8 bytes. An index rather than <c>SCAN</c>: a page reads that page's members only, in a stable order
    /// with no duplicates, on a single server and on a cluster alike, whatever else the database holds. Anchors are then
    /// read with one <c>GET</c> each, all sent at once. The index keeps a subject after its counters have expired.
    /// </remarks>
    public async ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateListing(policy, limit);
        var after = continuation is null ? default : (RedisValue)DecodeContinuation(continuation);
        cancellationToken.ThrowIfCancellationRequested();
        var database = Database() ?? await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var members = await WaitAsync(
            database.SortedSetRangeByValueAsync(_keys.Subjects(policy), after, default, continuation is null ? Exclude.None : Exclude.Start, Order.Ascending, 0, limit + 1L),
            cancellationToken).ConfigureAwait(false);
        var count = Math.Min(members.Length, limit);
        var keys = new string[count];
        var anchors = new Task<RedisValue>[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = LosslessUtf8.GetString((byte[])members[i]!);
            anchors[i] = database.StringGetAsync(_keys.Anchor(policy, keys[i]));
        }

        var stored = await WaitAsync(Task.WhenAll(anchors), cancellationToken).ConfigureAwait(false);
        var subjects = new QuotaStoredSubject[count];
        for (var i = 0; i < count; i++)
        {
            subjects[i] = new QuotaStoredSubject(keys[i], stored[i].IsNull ? null : ParseAnchor(stored[i]));
        }

        return new QuotaSubjectPage(subjects, members.Length > limit ? Base64Url.EncodeToString((byte[])members[count - 1]!) : null);
    }

    /// <summary>
    /// Adds the subject to its policy's listing index unless this process did already. Returns a task that completes
    /// when it is done; a failure is logged and never fails the write it goes with (the next write tries again).
    /// </summary>
    private Task Index(string policy, string key)
        => _indexed.Contains(policy, key) ? Task.CompletedTask : IndexAsync(policy, key);

    private async Task IndexAsync(string policy, string key)
    {
        try
        {
            var database = Database() ?? await ConnectedAsync(CancellationToken.None).ConfigureAwait(false);
            await database.SortedSetAddAsync(_keys.Subjects(policy), LosslessUtf8.GetBytes(key), 0, SortedSetWhen.NotExists).ConfigureAwait(false);
            _indexed.Add(policy, key);
        }
        catch (Exception ex) when (ex is RedisException or QuotaStoreException or ObjectDisposedException or TimeoutException)
        {
            RedisQuotaStoreLog.IndexFailed(_logger, policy, ex);
        }
    }

    /// <summary>Waits for a consume, then for the index add that went beside it.</summary>
    private static async ValueTask<QuotaStoreResult> AfterIndexedAsync(ValueTask<QuotaStoreResult> consume, Task indexing)
    {
        var result = await consume.ConfigureAwait(false);
        await indexing.ConfigureAwait(false);
        return result;
    }

    /// <summary>Reads a counter hash: live while its expiry <c>x</c> is after now; meters, grants and alert marks by field prefix.</summary>
    private static QuotaCounterSnapshot Snapshot(QuotaCounterKey counter, HashEntry[] entries, long now)
    {
        var live = false;
        var meters = new Dictionary<string, long>(StringComparer.Ordinal);
        var grants = new SortedList<long, QuotaGrant>();
        var alerts = new List<QuotaAlertMark>();
        foreach (var entry in entries)
        {
            // 'x' the expiry; 'm:', 'r:', 'a:' a meter, a grant, an alert mark; 'g', 'g:', 'gn' what grant.lua keeps for itself.
            var field = (byte[])entry.Name!;
            var kind = field is [(byte)'x'] ? 'x' : field is [var prefix, (byte)':', ..] ? (char)prefix : '-';
            switch (kind)
            {
                case 'x':
                    live = (long)entry.Value > now;
                    break;
                case 'm':
                    meters[LosslessUtf8.GetString(field.AsSpan(2))] = (long)entry.Value;
                    break;
                case 'r':
                    grants.Add(long.Parse(field.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture), RedisGrantRecord.Decode((byte[])entry.Value!));
                    break;
                case 'a':
                    var rest = field.AsSpan(2);
                    var colon = rest.IndexOf((byte)':');
                    alerts.Add(new QuotaAlertMark(LosslessUtf8.GetString(rest[(colon + 1)..]), int.Parse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture), Instant.FromUnixTimeTicks((long)entry.Value)));
                    break;
            }
        }

        if (!live)
        {
            return QuotaCounterSnapshot.Empty(counter);
        }

        alerts.Sort(static (a, b) => a.FiredAt != b.FiredAt ? a.FiredAt.CompareTo(b.FiredAt) : a.Percent.CompareTo(b.Percent));
        return new QuotaCounterSnapshot(counter, meters.Count == 0 ? ReadOnlyDictionary<string, long>.Empty : meters, [.. grants.Values], alerts);
    }

    private static byte[] DecodeContinuation(string continuation)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(continuation);
            return bytes.Length > 0 ? bytes : throw new FormatException();
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("The continuation is not one this store issued. Pass the Continuation of the previous page, or null for the first page.", nameof(continuation), ex);
        }
    }
}
