Console.WriteLine("console sample");
