namespace Quota.Samples.WebApi.Tests.Support;

/// <summary>A new folder under the system's temporary folder, deleted with everything in it on disposal.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder(string prefix)
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that has just exited may still hold a file for a moment; the folder is in the temporary folder.
        }
    }
}
