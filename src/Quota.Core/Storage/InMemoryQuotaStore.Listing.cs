using System.Buffers.Text;
using System.Globalization;
using NodaTime;

namespace Quota;

public sealed partial class InMemoryQuotaStore
{
    /// <summary>How many listings' snapshots are kept for their next pages; an older listing takes a new snapshot.</summary>
    private const int KeptListings = 4;

    private readonly Lock _listingsGate = new();
    private readonly List<ListingSnapshot> _listings = [];
    private long _lastListing;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateCounters(counters);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _clock.GetCurrentInstant();
        var snapshots = new QuotaCounterSnapshot[counters.Count];
        for (var i = 0; i < snapshots.Length; i++)
        {
            var key = counters[i];
            snapshots[i] = QuotaCounterSnapshot.Empty(key);
            if (_counters.TryGetValue(key, out var entry))
            {
                using (entry.Enter())
                {
                    if (!entry.Removed && entry.ExpiresAt > now)
                    {
                        snapshots[i] = entry.Full(key);
                    }
                }
            }
        }

        return new ValueTask<IReadOnlyList<QuotaCounterSnapshot>>(snapshots);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Subjects are listed in ordinal order of their keys. Memory keeps no index of them (one would cost every new counter a
    /// lock): the first page takes a sorted snapshot of the policy's keys, and the next pages read on from it, so a listing
    /// costs one sort however many pages it has. The snapshots of the last few listings are kept; a page of an older one
    /// takes a new snapshot and continues after its last key.
    /// </remarks>
    public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateListing(policy, limit);
        cancellationToken.ThrowIfCancellationRequested();
        var (snapshot, start) = continuation is null ? (Snapshot(policy), 0) : Resume(policy, continuation);
        var count = Math.Min(limit, snapshot.Keys.Length - start);
        var subjects = new QuotaStoredSubject[count];
        for (var i = 0; i < count; i++)
        {
            var key = snapshot.Keys[start + i];
            subjects[i] = new QuotaStoredSubject(key, _anchors.TryGetValue((policy, key), out var anchor) ? anchor : null);
        }

        var next = start + count;
        // Plain ASCII, safe in a URL: the last key travels as base64url of its lossless UTF-8.
        var token = next < snapshot.Keys.Length
            ? string.Create(CultureInfo.InvariantCulture, $"{snapshot.Id}.{next}.{Base64Url.EncodeToString(LosslessUtf8.GetBytes(snapshot.Keys[next - 1]))}")
            : null;
        return new ValueTask<QuotaSubjectPage>(new QuotaSubjectPage(subjects, token));
    }

    /// <summary>Finds the listing a continuation belongs to, or takes a new snapshot and continues after its last key.</summary>
    private (ListingSnapshot Snapshot, int Start) Resume(string policy, string continuation)
    {
        long id;
        int index;
        var parts = continuation.Split('.');
        string last;
        try
        {
            if (parts.Length != 3
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsedId)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsedIndex))
            {
                throw new FormatException();
            }

            (id, index, last) = (parsedId, parsedIndex, LosslessUtf8.GetString(Base64Url.DecodeFromChars(parts[2])));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new ArgumentException("The continuation is not one this store issued. Pass the Continuation of the previous page, or null for the first page.", nameof(continuation), ex);
        }

        lock (_listingsGate)
        {
            foreach (var kept in _listings)
            {
                if (kept.Id == id && kept.Policy == policy && index <= kept.Keys.Length && index > 0 && kept.Keys[index - 1] == last)
                {
                    return (kept, index);
                }
            }
        }

        var snapshot = Snapshot(policy);
        var position = Array.BinarySearch(snapshot.Keys, last, StringComparer.Ordinal);
        return (snapshot, position >= 0 ? position + 1 : ~position);
    }

    /// <summary>Sorts the keys of every subject with a live counter or an anchor under the policy, and keeps the snapshot.</summary>
    private ListingSnapshot Snapshot(string policy)
    {
        var now = _clock.GetCurrentInstant();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, entry) in _counters)
        {
            if (string.Equals(key.Policy, policy, StringComparison.Ordinal) && !keys.Contains(key.Key) && IsLive(entry, now))
            {
                keys.Add(key.Key);
            }
        }

        foreach (var ((anchorPolicy, key), _) in _anchors)
        {
            if (string.Equals(anchorPolicy, policy, StringComparison.Ordinal))
            {
                keys.Add(key);
            }
        }

        var sorted = keys.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        var snapshot = new ListingSnapshot(Interlocked.Increment(ref _lastListing), policy, sorted);
        lock (_listingsGate)
        {
            if (_listings.Count == KeptListings)
            {
                _listings.RemoveAt(0);
            }

            _listings.Add(snapshot);
        }

        return snapshot;
    }

    private static bool IsLive(Counter entry, Instant now)
    {
        using (entry.Enter())
        {
            return !entry.Removed && entry.ExpiresAt > now;
        }
    }

    /// <summary>A listing's sorted keys, read page by page.</summary>
    private sealed record ListingSnapshot(long Id, string Policy, string[] Keys);
}
