using AutoEncoders.Persistence;

namespace AutoEncoders.Tests.Persistence;

public sealed class ExclusiveFileLockTests
{
    [Fact]
    public async Task A_second_holder_is_refused_until_the_first_lets_go_and_waits_a_bounded_time()
    {
        using var directory = new TempDirectory();
        string path = directory.File("thing.lock");
        using (ExclusiveFileLock first = ExclusiveFileLock.Acquire(path, "the thing", TimeSpan.Zero))
        {
            var refused = Assert.Throws<IOException>(() => ExclusiveFileLock.Acquire(path, "the thing", TimeSpan.Zero));
            Assert.StartsWith("the thing is in use by another process; the lock is ", refused.Message, StringComparison.Ordinal);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var waited = Assert.Throws<IOException>(() => ExclusiveFileLock.Acquire(path, "the thing", TimeSpan.FromMilliseconds(300)));
            Assert.InRange(clock.Elapsed.TotalMilliseconds, 300, 5000);
            Assert.Contains("(waited 0.3 s)", waited.Message, StringComparison.Ordinal);
        }

        // Let go: the next holder gets it at once; one that waits gets it when the holder lets go.
        ExclusiveFileLock second = ExclusiveFileLock.Acquire(path, "the thing", TimeSpan.Zero);
        Task<ExclusiveFileLock> third = Task.Run(() => ExclusiveFileLock.Acquire(path, "the thing", TimeSpan.FromSeconds(30)));
        Thread.Sleep(100);
        Assert.False(third.IsCompleted, "the waiter must not get the lock while it is held");
        second.Dispose();
        (await third).Dispose();
    }

    [Fact]
    public void A_lock_in_a_missing_folder_is_refused_naming_the_folder()
    {
        using var directory = new TempDirectory();
        var e = Assert.Throws<DirectoryNotFoundException>(() => ExclusiveFileLock.Acquire(directory.File("gone/x.lock"), "the index gone/x", TimeSpan.Zero));
        Assert.Contains(directory.File("gone"), e.Message, StringComparison.Ordinal);
    }
}
