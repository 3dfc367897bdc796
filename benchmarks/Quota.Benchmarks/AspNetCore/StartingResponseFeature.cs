using Microsoft.AspNetCore.Http.Features;

namespace Quota.Benchmarks.AspNetCore;

/// <summary>A response feature that, like a server, keeps <c>OnStarting</c> callbacks and runs them when the response starts.</summary>
internal sealed class StartingResponseFeature : HttpResponseFeature
{
    private readonly List<(Func<object, Task> Callback, object State)> _starting = new(2);

    public override void OnStarting(Func<object, Task> callback, object state) => _starting.Add((callback, state));

    public async Task StartAsync()
    {
        for (var i = _starting.Count - 1; i >= 0; i--)
        {
            await _starting[i].Callback(_starting[i].State);
        }

        _starting.Clear();
    }
}
