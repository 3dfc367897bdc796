using System.Text.Json;
using System.Text.Json.Nodes;
using Quota.Samples.WebApi.Tests.Support;

namespace Quota.Samples.WebApi.Tests.Browser;

/// <summary>
/// The dashboard in a real browser: headless Chromium, signed in through the sample's form, against the sample running as
/// its own process. The tests read the DOM after the page's scripts ran, and keep a screenshot
/// (<c>artifacts/dashboard.png</c> in the test's output folder).
/// </summary>
public sealed class DashboardBrowserTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    /// <summary>Each policy's section: its name, caption, and rows (key, level, and each bar's ARIA values and drawn width).</summary>
    private const string ReadSections = """
        JSON.stringify([...document.querySelectorAll('main section')].map(section => ({
          policy: section.querySelector('h2').textContent,
          caption: section.querySelector('caption') ? section.querySelector('caption').textContent : null,
          sortedBy: [...section.querySelectorAll('th[aria-sort]')].map(th => th.dataset.column + ' ' + th.getAttribute('aria-sort')),
          rows: [...section.querySelectorAll('tbody tr')].map(row => ({
            key: row.querySelector('th').textContent,
            level: row.dataset.level,
            bars: [...row.querySelectorAll('[role=meter]')].map(bar => ({
              now: Number(bar.getAttribute('aria-valuenow')),
              max: Number(bar.getAttribute('aria-valuemax')),
              text: bar.getAttribute('aria-valuetext'),
              drawn: bar.firstElementChild.getBoundingClientRect().width / bar.getBoundingClientRect().width,
            })),
          })),
        })))
        """;

    [Fact]
    public async Task Each_policy_shows_its_subjects_as_usage_bars_fullest_first_and_a_screenshot_is_kept()
    {
        var page = fixture.Dashboard;
        var sections = await SectionsAsync(page);
        Assert.Equal(["completions-daily", "completions-monthly", "hello-monthly"], sections.Select(s => s.GetProperty("policy").GetString()));

        var hello = sections.Single(s => s.GetProperty("policy").GetString() == "hello-monthly");
        var rows = hello.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["carol", "alice", DashboardFixture.Mallory, "bob"], rows.Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["full", "near", "ok", "ok"], rows.Select(r => r.GetProperty("level").GetString()));
        Assert.Equal([10, 9, 5, 2], rows.Select(r => r.GetProperty("bars")[0].GetProperty("now").GetInt32()));
        Assert.All(rows, r => Assert.Equal(10, r.GetProperty("bars")[0].GetProperty("max").GetInt32()));
        Assert.Equal("9 of 10 requests (90 %)", rows[1].GetProperty("bars")[0].GetProperty("text").GetString());

        // The bars are drawn to scale: the style sheet and the script's widths both applied under the page's CSP.
        Assert.Equal([1.0, 0.9, 0.5, 0.2], rows.Select(r => Math.Round(r.GetProperty("bars")[0].GetProperty("drawn").GetDouble(), 2)));
        Assert.Equal("Subjects of hello-monthly in their current cycles, sorted by fullest meter, descending.", hello.GetProperty("caption").GetString());

        var monthly = sections.Single(s => s.GetProperty("policy").GetString() == "completions-monthly");
        var alice = monthly.GetProperty("rows")[0];
        Assert.Equal("alice", alice.GetProperty("key").GetString());
        Assert.Equal("42,000 of 50,000 tokens (84 %)", alice.GetProperty("bars")[0].GetProperty("text").GetString());

        // The alerts the thresholds raised are logged by the sample and shown in the rows.
        Assert.Contains("alice reached 80 % of hello-monthly", await fixture.Sample.WaitForOutputAsync("alice reached 80 % of hello-monthly"), StringComparison.Ordinal);
        var alerts = await page.EvaluateAsync("[...document.querySelectorAll('main section')].find(s => s.querySelector('h2').textContent === 'hello-monthly').querySelector('tbody tr').cells[3].textContent");
        Assert.Equal("80 % requests, 100 % requests", alerts.GetString());

        var status = await page.EvaluateAsync("document.getElementById('status').textContent");
        Assert.StartsWith("3 policies, 8 subjects in their current cycles.", status.GetString(), StringComparison.Ordinal);
        Assert.Empty(page.Errors);

        var screenshot = await page.ScreenshotAsync();
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], screenshot[..4]);
        var file = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, screenshot);
        Assert.True(new FileInfo(file).Length > 20_000, "the screenshot shows a rendered page");
    }

    [Fact]
    public async Task A_subject_key_that_is_markup_is_shown_as_text_and_never_runs()
    {
        var page = fixture.Dashboard;
        var keys = await page.EvaluateAsync("[...document.querySelectorAll('tbody th.key')].map(th => th.textContent)");
        Assert.Contains(DashboardFixture.Mallory, keys.EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(0, (await page.EvaluateAsync("document.querySelectorAll('img').length")).GetInt32());
        Assert.Empty(page.Dialogs);
        Assert.Equal($"Details of {DashboardFixture.Mallory}", (await page.EvaluateAsync("[...document.querySelectorAll('tbody td button')].map(b => b.getAttribute('aria-label')).find(l => l.includes('<img'))")).GetString());
    }

    [Fact]
    public async Task Sorting_by_a_column_reorders_the_rows_and_says_so()
    {
        var page = await fixture.Browser.NewPageAsync();
        await page.NavigateAsync(fixture.Sample.Url("/quota-admin/"));
        await page.WaitForAsync("document.body && document.body.dataset.state === 'ready'");
        const string Hello = "[...document.querySelectorAll('main section')].find(s => s.querySelector('h2').textContent === 'hello-monthly')";

        await page.EvaluateAsync($"{Hello}.querySelector('th[data-column=key] button').click()");
        var ascending = (await SectionsAsync(page)).Single(s => s.GetProperty("policy").GetString() == "hello-monthly");
        Assert.Equal([DashboardFixture.Mallory, "alice", "bob", "carol"], ascending.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["key ascending"], ascending.GetProperty("sortedBy").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("Subjects of hello-monthly in their current cycles, sorted by Subject, ascending.", ascending.GetProperty("caption").GetString());
        Assert.Equal("Subject", (await page.EvaluateAsync("document.activeElement.textContent")).GetString());

        await page.EvaluateAsync($"{Hello}.querySelector('th[data-column=requests] button').click()");
        var fullest = (await SectionsAsync(page)).Single(s => s.GetProperty("policy").GetString() == "hello-monthly");
        Assert.Equal(["carol", "alice", DashboardFixture.Mallory, "bob"], fullest.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        Assert.Equal(["requests descending"], fullest.GetProperty("sortedBy").EnumerateArray().Select(s => s.GetString()));
        await page.CloseAsync();
    }

    [Fact]
    public async Task An_operator_grants_more_from_the_subjects_dialog()
    {
        var page = await fixture.Browser.NewPageAsync();
        await page.NavigateAsync(fixture.Sample.Url("/quota-admin/"));
        await page.WaitForAsync("document.body && document.body.dataset.state === 'ready'");
        await page.EvaluateAsync("[...document.querySelectorAll('main section')].find(s => s.querySelector('h2').textContent === 'completions-daily').querySelector('button[aria-label=\"Details of bob\"]').click()");
        await page.WaitForAsync("document.getElementById('subject').open && document.getElementById('subject-title').textContent === 'bob — completions-daily'");

        await page.EvaluateAsync("""
            document.getElementById('grant-amount').value = '50';
            document.getElementById('grant-reason').value = 'support ticket 4711';
            document.getElementById('grant-form').requestSubmit();
            """);
        await page.WaitForAsync("[...document.querySelectorAll('#subject-grants li')].some(li => li.textContent.endsWith(': support ticket 4711'))");

        var bob = await fixture.SubjectAsync("completions-daily", "bob");
        Assert.Equal(150, bob.GetProperty("meters")[0].GetProperty("limit").GetInt64());
        Assert.Equal("support ticket 4711", bob.GetProperty("grants")[0].GetProperty("reason").GetString());
        Assert.Contains("Quota admin 'admin' granted 50 'requests' to subject 'bob' of policy 'completions-daily'", await fixture.Sample.WaitForOutputAsync("Quota admin 'admin' granted 50 'requests' to subject 'bob' of policy 'completions-daily'"), StringComparison.Ordinal);
        Assert.Empty(page.Errors);
        await page.CloseAsync();
    }

    [Fact]
    public async Task The_sign_in_cookie_is_HttpOnly_and_SameSite_Strict()
    {
        var cookies = await fixture.Dashboard.Send("Network.getCookies", new JsonObject { ["urls"] = new JsonArray(fixture.Sample.Url("/quota-admin/")) });
        var cookie = cookies.GetProperty("cookies").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "quota-admin");
        Assert.True(cookie.GetProperty("httpOnly").GetBoolean());
        Assert.Equal("Strict", cookie.GetProperty("sameSite").GetString());
        Assert.Equal("/", cookie.GetProperty("path").GetString());
        Assert.Equal(JsonValueKind.Undefined, (await fixture.Dashboard.EvaluateAsync("document.cookie.includes('quota-admin') ? 'visible' : undefined")).ValueKind);
    }

    [Fact]
    public async Task Another_site_cannot_reset_a_subject_through_the_signed_in_browser()
    {
        // Another site: http://localhost:port is a different site from http://127.0.0.1:port, and both are local addresses,
        // so the browser's private-network rules do not stop the attempts before the protections under test do. Any page
        // serves as the attacker's; its own CSP is lifted so that only the target's defences are in play.
        var attacker = await fixture.Browser.NewPageAsync();
        await attacker.Send("Page.setBypassCSP", new JsonObject { ["enabled"] = true });
        await attacker.NavigateAsync(new UriBuilder(fixture.Sample.Address) { Host = "localhost", Path = "/sign-in" }.Uri.ToString());
        await attacker.WaitForAsync("document.readyState === 'complete' && location.hostname === 'localhost'");
        var target = fixture.Sample.Url("/quota-admin/api/reset");
        var attempts = await attacker.EvaluateAsync($$"""
            (async () => {
              const target = '{{target}}';
              const body = JSON.stringify({ policy: 'hello-monthly', key: 'carol' });
              const result = {};
              try {
                const r = await fetch(target, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json', 'X-Quota-Admin': '1' }, body });
                result.withHeader = 'sent: ' + r.status;
              } catch (e) { result.withHeader = 'blocked by the browser'; }
              try {
                const r = await fetch(target, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body });
                result.simple = 'sent, response ' + r.type;
              } catch (e) { result.simple = 'blocked by the browser'; }
              return result;
            })()
            """);
        Assert.Equal("blocked by the browser", attempts.GetProperty("withHeader").GetString());
        Assert.Equal("sent, response opaque", attempts.GetProperty("simple").GetString());

        // What reached the sample: the preflight of the request with the header, refused (405: no CORS here), so the POST
        // itself never left the browser; and the simple request without the SameSite=Strict cookie (401).
        await WaitUntilAsync(() => attacker.Responses.Count(r => r.Url == target) == 2);
        Assert.Equal([401, 405], attacker.Responses.Where(r => r.Url == target).Select(r => r.Status).Order());

        // And the classic: a form that posts itself.
        await attacker.EvaluateAsync($$"""
            const form = document.createElement('form');
            form.method = 'POST';
            form.action = '{{target}}';
            form.enctype = 'text/plain';
            const field = document.createElement('input');
            field.name = '{"policy":"hello-monthly","key":"carol","x":"';
            field.value = '"}';
            form.append(field);
            document.body.append(form);
            form.submit();
            true
            """);
        await WaitUntilAsync(() => attacker.Responses.Count(r => r.Url == target) == 3);

        // The form's navigation did not carry the cookie either: 401, before the API's own checks.
        Assert.Equal(401, attacker.Responses.Last(r => r.Url == target).Status);
        await attacker.CloseAsync();

        var carol = await fixture.SubjectAsync("hello-monthly", "carol");
        Assert.Equal(10, carol.GetProperty("meters")[0].GetProperty("used").GetInt64());
        Assert.DoesNotContain(fixture.Sample.Output, line => line.Contains("reset subject 'carol'", StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "the browser did not get there within 30 s");
    }

    private static async Task<JsonElement[]> SectionsAsync(BrowserPage page)
    {
        var json = await page.EvaluateAsync(ReadSections);
        using var document = JsonDocument.Parse(json.GetString()!);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
