using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore : IQuotaStoreHealthProbe
{
    private const string EndpointsKey = "endpoints";

    /// <summary>
    /// Sends <c>PING</c>, through the store's own connection, to every node that holds data: the server, or each primary
    /// of a cluster (replicas hold no keys the store writes). A node the connection has lost is reported without waiting
    /// for it; a node that does not answer within four fifths of the probe's time is reported as not answering.
    /// </summary>
    /// <param name="context">The failure status and the probe's time.</param>
    /// <param name="cancellationToken">Cancelled when the probe's time is up.</param>
    /// <returns>
    /// Healthy when every node answered; the failure status, naming the nodes that did not, when any did not (the
    /// subjects whose keys live there cannot be counted). The data lists each node with its round trip or its problem.
    /// </returns>
    public async ValueTask<HealthCheckResult> ProbeAsync(QuotaStoreHealthContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_disposed)
        {
            return new HealthCheckResult(context.FailureStatus, "The Redis quota store has been disposed.");
        }

        var patience = context.Timeout * 0.8;
        if (Volatile.Read(ref _database) is null)
        {
            var endpoints = string.Join(", ", _configuration?.EndPoints.Select(e => e.ToString()) ?? []);
            var configured = new Dictionary<string, object> { [EndpointsKey] = endpoints };
            try
            {
                await ConnectedAsync(cancellationToken).AsTask().WaitAsync(patience, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return new HealthCheckResult(context.FailureStatus, $"The Redis quota store has not connected to {endpoints} yet: its first connect has taken more than {Milliseconds(patience)} ms.", data: configured);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new HealthCheckResult(context.FailureStatus, $"The Redis quota store could not connect to {endpoints}: {ex.Message}", ex, configured);
            }
        }

        var nodes = _connection!.GetServers().Where(server => !server.IsReplica).ToArray();
        if (nodes.Length == 0)
        {
            return new HealthCheckResult(context.FailureStatus, $"The Redis quota store's connection knows no primary node among {string.Join(", ", _connection.GetEndPoints())}.");
        }

        var answers = await Task.WhenAll(nodes.Select(node => PingAsync(node, patience, cancellationToken))).ConfigureAwait(false);
        var data = new Dictionary<string, object> { [EndpointsKey] = string.Join(", ", answers.Select(a => $"{a.EndPoint} {a.Answer}")) };
        var silent = answers.Where(a => !a.Answered).ToArray();
        if (silent.Length == 0)
        {
            return HealthCheckResult.Healthy(
                nodes.Length == 1
                    ? $"Redis at {answers[0].EndPoint} answered PING in {answers[0].Answer}."
                    : $"Every Redis node that holds data ({nodes.Length}) answered PING.",
                data);
        }

        var which = string.Join(", ", silent.Select(a => $"{a.EndPoint} ({a.Answer})"));
        return new HealthCheckResult(
            context.FailureStatus,
            nodes.Length == 1
                ? $"Redis at {which} did not answer PING: every call fails, and each policy's failure mode decides it."
                : $"Redis node(s) {which} did not answer PING ({nodes.Length - silent.Length} of {nodes.Length} did): calls for subjects whose keys live there fail, and each policy's failure mode decides them.",
            data: data);
    }

    private static async Task<(string EndPoint, bool Answered, string Answer)> PingAsync(IServer node, TimeSpan patience, CancellationToken cancellationToken)
    {
        var endpoint = node.EndPoint.ToString() ?? "?";
        if (!node.IsConnected)
        {
            // The client would queue the command until it reconnects; the store's own calls fail at once in this state.
            return (endpoint, false, "not connected");
        }

        var ping = node.PingAsync();
        try
        {
            var latency = await ping.WaitAsync(patience, cancellationToken).ConfigureAwait(false);
            return (endpoint, true, latency.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms");
        }
        catch (TimeoutException)
        {
            Observe(ping);
            return (endpoint, false, $"no answer within {Milliseconds(patience)} ms");
        }
        catch (OperationCanceledException)
        {
            Observe(ping);
            throw;
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            return (endpoint, false, ex.Message);
        }
    }

    private static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
}
