Console.WriteLine("plugin sample: see issue 6");
