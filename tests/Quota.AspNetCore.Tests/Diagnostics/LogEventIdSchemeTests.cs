using System.Reflection;
using Microsoft.Extensions.Logging;
using Quota.PluginSdk;
using Quota.Stores.Redis;
using Quota.Stores.Sqlite;

namespace Quota.AspNetCore.Tests.Diagnostics;

/// <summary>
/// One logging event-id scheme across Quota's packages, as the README's table lists it: each package logs in a range of
/// its own, so an id names its package, and no two messages anywhere share an id.
/// </summary>
public sealed class LogEventIdSchemeTests
{
    public static TheoryData<string, int, int> Ranges => new()
    {
        { typeof(IQuotaService).Assembly.GetName().Name!, 1000, 1999 },
        { typeof(SqliteQuotaStore).Assembly.GetName().Name!, 2000, 2999 },
        { typeof(IUsageClient).Assembly.GetName().Name!, 3000, 3999 },
        { typeof(RedisQuotaStore).Assembly.GetName().Name!, 4000, 4999 },
        { typeof(QuotaHttpDiagnostics).Assembly.GetName().Name!, 5000, 5999 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Every_log_message_of_a_package_has_an_id_in_its_range(string package, int first, int last)
    {
        var ids = EventIds(Assembly.Load(package));

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id.Id, first, last));
    }

    [Fact]
    public void No_two_log_messages_share_an_id()
    {
        var all = Ranges.Select(row => (string)row[0]).SelectMany(package => EventIds(Assembly.Load(package))).ToList();

        Assert.Empty(all.GroupBy(id => id.Id).Where(group => group.Count() > 1).Select(group => string.Join(", ", group.Select(id => $"{id.Id} {id.Method}"))));
    }

    private static List<(int Id, string Method)> EventIds(Assembly assembly)
        => [.. assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Message: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Message is not null)
            .Select(m => (m.Message!.EventId, $"{m.Method.DeclaringType!.Name}.{m.Method.Name}"))];
}
