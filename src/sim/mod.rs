//! placeholder until the simulator lands
#[derive(Clone, Debug)]
pub struct SimOptions {
    pub speed: f64,
}
impl Default for SimOptions {
    fn default() -> Self {
        Self { speed: 1.0 }
    }
}
pub struct SimServer {
    addr: std::net::SocketAddr,
}
impl SimServer {
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }
    pub fn shutdown(self) {}
}
pub async fn start(host: &str, port: u16, _opts: SimOptions) -> std::io::Result<SimServer> {
    let l = tokio::net::TcpListener::bind((host, port)).await?;
    Ok(SimServer {
        addr: l.local_addr()?,
    })
}
pub fn router(_opts: SimOptions) -> axum::Router {
    axum::Router::new()
}
pub fn model_ids() -> Vec<&'static str> {
    vec!["sim/swift"]
}
