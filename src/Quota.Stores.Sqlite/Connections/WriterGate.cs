namespace Quota.Stores.Sqlite;

/// <summary>
/// One gate per file and process that lets one writer at a time in. SQLite serialises writers on a file anyway; queueing
/// them here lets waiting callers wait without a thread (instead of spinning in SQLite's busy handler), while
/// <c>BEGIN IMMEDIATE</c> and the busy timeout keep writers of other processes correct.
/// </summary>
internal sealed class WriterGate
{
    private static readonly Dictionary<string, WriterGate> Gates = new(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
    private readonly string _path;
    private int _users;

    private WriterGate(string path) => _path = path;

    public SemaphoreSlim Semaphore { get; } = new(1, 1);

    /// <summary>Returns the gate of the file at <paramref name="path"/> (a full path), shared by every store of this process on that file.</summary>
    public static WriterGate Acquire(string path)
    {
        lock (Gates)
        {
            if (!Gates.TryGetValue(path, out var gate))
            {
                gate = new WriterGate(path);
                Gates.Add(path, gate);
            }

            gate._users++;
            return gate;
        }
    }

    /// <summary>Gives the gate back; the last store on a file forgets it.</summary>
    public void Release()
    {
        lock (Gates)
        {
            if (--_users == 0)
            {
                Gates.Remove(_path);
            }
        }
    }
}
