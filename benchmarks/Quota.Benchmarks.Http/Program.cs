using Quota;
using Quota.AspNetCore;

// Usage: Quota.Benchmarks.Http <port> none|memory|sqlite|redis [lease] [redis endpoint]
// Serves GET /hello on 127.0.0.1:<port>. With a store, UseQuota counts every request against a policy of
// 10^12 requests a month per API key (the X-Api-Key header: the load script rotates 8 keys), on that store, leased
// when "lease" is given. Logging is off, as in a load test of a production build.
var port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var store = args[1];
var leased = args.Length > 2 && args[2] == "lease";
var redis = args.Length > 3 ? args[3] : "127.0.0.1:6379";

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port));
var subjects = Enumerable.Range(0, 8).ToDictionary(i => "key-" + i, i => (QuotaSubject?)new QuotaSubject("org-" + i), StringComparer.Ordinal);
if (store != "none")
{
    var quota = builder.Services.AddQuota().AddPolicy("api", p =>
    {
        p.Period = "monthly";
        p.Allowances["requests"] = 1_000_000_000_000;
        p.Lease.Enabled = leased;
        p.Http().QuotaBy = QuotaBy.Function;
        p.Http().SubjectFromRequest = context => ValueTask.FromResult(subjects.GetValueOrDefault(context.Request.Headers["X-Api-Key"].ToString()));
    }).AddHttp();
    var file = Path.Combine(Path.GetTempPath(), $"quota-http-{port}.db");
    _ = store switch
    {
        "memory" => quota.UseInMemoryStore(),
        "sqlite" => quota.UseSqliteStore($"Data Source={file}"),
        "redis" => quota.UseRedisStore(redis),
        _ => throw new ArgumentException($"Unknown store '{store}': write none, memory, sqlite or redis."),
    };
}

var app = builder.Build();
if (store != "none")
{
    app.UseQuota();
    app.MapGet("/hello", () => "Hello!").RequireQuota("api");
}
else
{
    app.MapGet("/hello", () => "Hello!");
}

app.Run();
