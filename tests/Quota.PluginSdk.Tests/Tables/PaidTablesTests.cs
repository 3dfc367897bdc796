using Quota.PluginSdk;

namespace Quota.Tests.Tables;

public sealed class PaidTablesTests
{
    private static List<Table> Tables() =>
    [
        new Table("github_repositories")
        {
            Relations =
            {
                new Table("github_issues") { Relations = { new Table("github_issue_comments") } },
                new Table("github_releases"),
            },
        },
        new Table("github_users"),
    ];

    [Fact]
    public void MakeAllTablesPaid_marks_every_table_and_every_relation_at_any_depth()
    {
        var tables = Tables();

        var returned = PaidTables.MakeAllTablesPaid(tables);

        Assert.Same(tables, returned);
        var all = PaidTables.Flatten(tables).ToList();
        Assert.Equal(5, all.Count);
        Assert.All(all, t => Assert.True(t.IsPaid, t.Name));
    }

    [Fact]
    public void ContainsPaidTables_finds_a_paid_relation_deep_down()
    {
        var tables = Tables();
        Assert.False(PaidTables.ContainsPaidTables(tables));

        tables[0].Relations[0].Relations[0].IsPaid = true;

        Assert.True(PaidTables.ContainsPaidTables(tables));
        Assert.False(PaidTables.ContainsPaidTables(tables.Skip(1)));
    }

    [Fact]
    public void GetPaidTables_lists_every_paid_table_and_relation_once_parents_first()
    {
        var tables = Tables();
        Assert.Empty(tables.GetPaidTables());
        Assert.False(tables.HasPaidTables());

        tables[0].IsPaid = true;
        tables[0].Relations[0].Relations[0].IsPaid = true;
        tables.Add(tables[0]);

        Assert.Equal(["github_repositories", "github_issue_comments"], tables.GetPaidTables().Select(t => t.Name));
        Assert.True(tables.HasPaidTables());
        Assert.False(tables.Skip(1).Take(1).HasPaidTables());
    }

    [Fact]
    public void Flatten_visits_parents_before_children_and_a_cycle_once()
    {
        var parent = new Table("a");
        var child = new Table("b");
        parent.Relations.Add(child);
        child.Relations.Add(parent);

        var names = PaidTables.Flatten([parent]).Select(t => t.Name);

        Assert.Equal(["a", "b"], names);
    }

    [Fact]
    public void A_table_needs_a_name()
    {
        Assert.Throws<ArgumentException>(() => new Table(""));
    }
}
