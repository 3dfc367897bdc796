namespace Quota;

public sealed partial class InMemoryQuotaStore
{
    /// <summary>A counter's grants and fired alerts: rare, so kept apart from its meters and allocated on first use.</summary>
    internal sealed partial class Counter
    {
        private string[]? _grantMeters;
        private long[]? _grantTotals;
        private int _grantCount;
        private List<QuotaGrant>? _grants;
        private List<QuotaAlertMark>? _alerts;

        /// <summary>Gets a value indicating whether the counter holds a grant or a fired alert, which a reset keeps.</summary>
        public bool HoldsGrantsOrAlerts => _grants is not null || _alerts is not null;

        /// <summary>Sets every meter back to zero and forgets the idempotency ids; grants and alerts stay.</summary>
        public void ClearUsage()
        {
            _count = 0;
            _appliedIds = null;
        }

        public QuotaGrantResult Grant(QuotaGrant grant, long maxTotal)
        {
            var slot = GrantSlot(grant.Meter);
            var total = slot < 0 ? 0 : _grantTotals![slot];

            // maxTotal >= 0 and Amount > 0, so the difference cannot overflow.
            if (total > maxTotal - grant.Amount)
            {
                return new QuotaGrantResult(false, total);
            }

            if (slot < 0)
            {
                slot = AddGrantSlot(grant.Meter);
            }

            _grantTotals![slot] = total + grant.Amount;
            (_grants ??= []).Add(grant);
            return new QuotaGrantResult(true, total + grant.Amount);
        }

        public bool TryMark(QuotaAlertMark alert)
        {
            if (_alerts is not null)
            {
                foreach (var fired in _alerts)
                {
                    if (fired.Percent == alert.Percent && string.Equals(fired.Meter, alert.Meter, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }
            }

            (_alerts ??= []).Add(alert);
            return true;
        }

        public QuotaCounterSnapshot Full(QuotaCounterKey key)
            => new(key, Snapshot(), _grants is null ? [] : [.. _grants], _alerts is null ? [] : [.. _alerts]);

        private void ForgetGrantsAndAlerts()
        {
            _grantMeters = null;
            _grantTotals = null;
            _grantCount = 0;
            _grants = null;
            _alerts = null;
        }

        /// <summary>Returns each delta meter's grants (zero for a meter without any); called only when the counter holds some.</summary>
        private long[] GrantsOf(ReadOnlySpan<QuotaMeterDelta> deltas)
        {
            var granted = new long[deltas.Length];
            for (var i = 0; i < deltas.Length; i++)
            {
                var slot = GrantSlot(deltas[i].Meter);
                granted[i] = slot < 0 ? 0 : _grantTotals![slot];
            }

            return granted;
        }

        private int GrantSlot(string meter)
        {
            for (var i = 0; i < _grantCount; i++)
            {
                if (string.Equals(_grantMeters![i], meter, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        private int AddGrantSlot(string meter)
        {
            _grantMeters ??= new string[1];
            _grantTotals ??= new long[1];
            if (_grantCount == _grantMeters.Length)
            {
                Array.Resize(ref _grantMeters, _grantCount * 2);
                Array.Resize(ref _grantTotals, _grantCount * 2);
            }

            _grantMeters[_grantCount] = meter;
            _grantTotals[_grantCount] = 0;
            return _grantCount++;
        }
    }
}
