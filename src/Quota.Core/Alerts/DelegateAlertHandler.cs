namespace Quota;

/// <summary>A function registered with <see cref="QuotaBuilder.AddAlertHandler(Func{QuotaAlert, CancellationToken, ValueTask})"/>.</summary>
internal sealed class DelegateAlertHandler(Func<QuotaAlert, CancellationToken, ValueTask> handler) : IQuotaAlertHandler
{
    public ValueTask HandleAsync(QuotaAlert alert, CancellationToken cancellationToken) => handler(alert, cancellationToken);
}
