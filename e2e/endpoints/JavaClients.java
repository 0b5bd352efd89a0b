// The JVM clients a customer uses, run by e2e/endpoints as a single-file program (`java File.java`):
//   pgjdbc URL USER SQL      pgjdbc (classic SSLRequest), prints the first column of each row
//   ilp CONFIG TABLE CLIENT  QuestDB's official Java ILP client (org.questdb:questdb-client), one row
// The password comes from E2E_CLIENT_PASSWORD (never an argument, which any process listing shows);
// `{password}` in CONFIG stands for it.
// The database's public name resolves through -Djdk.net.hosts.file, so SNI and certificate
// checks see that name while the connection goes to the proxy on loopback.
import io.questdb.client.Sender;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

public class JavaClients {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "pgjdbc" -> pgjdbc(args[1], args[2], password(), args[3]);
            case "ilp" -> ilp(args[1].replace("{password}", password()), args[2], args[3]);
            default -> throw new IllegalArgumentException("unknown client " + args[0]);
        }
    }

    private static String password() {
        String password = System.getenv("E2E_CLIENT_PASSWORD");
        return password == null ? "" : password;
    }

    private static void pgjdbc(String url, String user, String password, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                System.out.println(rows.getString(1));
            }
        }
    }

    private static void ilp(String config, String table, String client) {
        try (Sender sender = Sender.fromConfig(config)) {
            sender.table(table).symbol("client", "java-" + client).longColumn("v", 1).atNow();
            sender.flush();
        }
    }
}
