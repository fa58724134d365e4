using Operator.Testing.Kube;

await using var kube = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Port = 18001, BookmarkInterval = TimeSpan.FromMilliseconds(300) });
Console.WriteLine(kube.BaseAddress);
await Task.Delay(-1);
