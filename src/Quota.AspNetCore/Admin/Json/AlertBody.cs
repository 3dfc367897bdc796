namespace Quota.AspNetCore.Admin;

/// <summary>A threshold alert that fired in the cycle.</summary>
internal sealed record AlertBody(string Meter, int Percent, string FiredAt)
{
    public static AlertBody From(QuotaAlertMark alert) => new(alert.Meter, alert.Percent, AdminText.Format(alert.FiredAt));
}
