using NodaTime.Testing;
using System.Globalization;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;
using StackExchange.Redis;

namespace Quota.Tests.Storage;

/// <summary>The store contract on a real 3-node Redis Cluster, and how subjects' keys land on slots and nodes.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterQuotaStoreTests(RedisClusterFixture cluster) : QuotaLeaseStoreContract
{
    protected override IQuotaStore CreateStore(FakeClock clock) => TestStores.On(cluster.Main, clock);

    protected override IQuotaStore CreatePeerStore(IQuotaStore store, FakeClock clock) => TestStores.On(cluster.Peer, clock);

    [Fact]
    public async Task Subjects_spread_over_slots_and_every_node()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var keys = new RedisQuotaKeys("quota");
        const int subjects = 300;
        var slots = new HashSet<int>();
        var perNode = new Dictionary<string, int>();
        for (var i = 0; i < subjects; i++)
        {
            var counter = new QuotaCounterKey(policy, "user-" + i, Clock.GetCurrentInstant());
            await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry);
            var slot = cluster.Main.HashSlot(keys.Counter(counter).Counter);
            slots.Add(slot);
            // Asynchronous: the synchronous call timed out in about one run in six (its reply already in the socket's buffer).
            var node = (await cluster.Main.GetDatabase().IdentifyEndpointAsync(keys.Counter(counter).Counter))!.ToString()!;
            perNode[node] = perNode.GetValueOrDefault(node) + 1;
        }

        Assert.True(slots.Count > subjects * 9 / 10, $"only {slots.Count} distinct slots for {subjects} subjects");
        Assert.Equal(3, perNode.Count);
        Assert.All(perNode.Values, count => Assert.True(count > subjects / 6, $"uneven spread: {string.Join(", ", perNode)}"));

        // The keys really are on the nodes: each node holds about a third of them.
        foreach (var node in cluster.Nodes)
        {
            var held = long.Parse((await node.CliAsync("dbsize")).Trim(), CultureInfo.InvariantCulture);
            Assert.True(held > 0, $"node {node.EndPoint} holds no keys");
        }
    }

    [Fact]
    public async Task Hostile_keys_keep_every_key_of_a_subject_in_one_slot_and_apart_from_each_other()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var keys = new RedisQuotaKeys("quota");
        var hostile = HostileKeyPairs.SelectMany(row => new[] { (string)row[0], (string)row[1] }).Append("{").Append("}").Append("{}").Distinct().ToArray();
        var tags = new HashSet<string>();
        foreach (var key in hostile)
        {
            var counter = new QuotaCounterKey(policy, key, Clock.GetCurrentInstant());
            var (hash, ids) = keys.Counter(counter);
            var anchor = keys.Anchor(policy, key);
            var slot = cluster.Main.HashSlot(hash);
            Assert.Equal(slot, cluster.Main.HashSlot(ids));
            Assert.Equal(slot, cluster.Main.HashSlot(anchor));
            Assert.True(tags.Add(RedisQuotaKeys.Tag(policy, key)), $"two hostile keys share a tag ({key.Length} chars)");

            // Redis agrees on the slot, and the multi-key scripts run (a cross-slot script would fail).
            var fromServer = await cluster.Nodes[0].CliAsync("cluster", "keyslot", (string)hash!);
            Assert.Equal(slot, int.Parse(fromServer.Trim(), CultureInfo.InvariantCulture));
            await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry);
            await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 2)), Expiry, "flush-1");
            await store.GetOrSetAnchorAsync(policy, key, Clock.GetCurrentInstant());
            await store.ResetAsync(counter);
        }
    }

    [Fact]
    public void Every_key_of_a_subject_is_in_one_slot()
    {
        var keys = new RedisQuotaKeys("quota");
        var policy = NewPolicy();
        foreach (var key in Enumerable.Range(0, 500).Select(i => "user-" + i).Concat(HostileKeyPairs.SelectMany(row => new[] { (string)row[0], (string)row[1] })))
        {
            var counter = keys.CounterKeys(new QuotaCounterKey(policy, key, Clock.GetCurrentInstant()));
            var later = keys.CounterKeys(new QuotaCounterKey(policy, key, Clock.GetCurrentInstant() + Duration.FromDays(31)));
            var slot = cluster.Main.HashSlot(counter[0]);
            Assert.Equal(slot, cluster.Main.HashSlot(counter[1]));
            Assert.Equal(slot, cluster.Main.HashSlot(later[0]));
            Assert.Equal(slot, cluster.Main.HashSlot(keys.Anchor(policy, key)));
        }
    }

    [Fact]
    public async Task Adds_queue_per_slot_one_paused_node_holds_back_only_its_own_slots()
    {
        using var store = (RedisQuotaStore)CreateStore(Clock);
        var policy = NewPolicy();
        var keys = new RedisQuotaKeys("quota");
        var database = cluster.Main.GetDatabase();
        async Task<string> NodeAsync(string key) => (await database.IdentifyEndpointAsync(keys.Counter(new QuotaCounterKey(policy, key, Clock.GetCurrentInstant())).Counter))!.ToString()!;
        var held = new QuotaCounterKey(policy, "held", Clock.GetCurrentInstant());
        var heldNode = await NodeAsync("held");
        string? free = null;
        for (var i = 0; free is null && i < 100; i++)
        {
            free = await NodeAsync("free-" + i) != heldNode ? "free-" + i : null;
        }

        Assert.NotNull(free);
        var filler = held with { CycleStart = Clock.GetCurrentInstant() - Duration.FromDays(31) };
        var node = cluster.Nodes.Single(n => n.EndPoint == heldNode);
        foreach (var key in new[] { "held", free })
        {
            Assert.True((await store.TryAddAsync(new QuotaCounterKey(policy, key, Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("warm-up", 1)), Expiry)).Applied);
        }

        await node.PauseAsync();
        Task<QuotaStoreResult>[] calls;
        try
        {
            // An add in the slot of "held" (another cycle: other keys, same tag) is that lane's call in flight, so the
            // adds on "held" queue; "free" lives on another node, in another lane, and is answered meanwhile.
            _ = store.TryAddAsync(filler, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry).AsTask();
            calls = Enumerable.Range(0, 6).Select(_ => store.TryAddAsync(held, Deltas(new QuotaMeterDelta("requests", 1, 4)), Expiry).AsTask()).ToArray();
            Assert.True((await store.TryAddAsync(new QuotaCounterKey(policy, free, Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry).AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Applied);
            Assert.DoesNotContain(calls, c => c.IsCompleted);
        }
        finally
        {
            await node.ResumeAsync();
        }

        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, store.Batches);
        Assert.Equal(4, results.Count(r => r.Applied));
        Assert.Equal(4, (await store.ReadAsync(held))["requests"]);
    }
}
