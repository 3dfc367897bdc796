using System.Globalization;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;
using StackExchange.Redis;

namespace Quota.Tests.Storage;

/// <summary>The store contract on a real 3-node Redis Cluster, and how subjects' keys land on slots and nodes.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterQuotaStoreTests(RedisClusterFixture cluster) : QuotaStoreContract
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
            var counter = new QuotaCounterKey(policy, "user-" + i, Clock.Now);
            await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry);
            var slot = cluster.Main.HashSlot(keys.Counter(counter).Counter);
            slots.Add(slot);
            var node = cluster.Main.GetDatabase().IdentifyEndpoint(keys.Counter(counter).Counter)!.ToString()!;
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
            var counter = new QuotaCounterKey(policy, key, Clock.Now);
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
            await store.GetOrSetAnchorAsync(policy, key, Clock.Now);
            await store.ResetAsync(counter);
        }
    }
}
